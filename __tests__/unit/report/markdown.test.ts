import { marked, type Token, type Tokens } from 'marked';
import { reportFrom } from '../../helpers/report.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { image } from '../compare/fixtures.js';
import { HOSTILE, baseline, build, firstRunReport, fullReport } from './fixtures.js';

/** Walks every token, including those nested in lists and the markdown inside <details>. */
function walk(tokens: Token[], out: Token[] = []): Token[] {
  for (const t of tokens) {
    out.push(t);
    const nested = (t as { tokens?: Token[]; items?: Token[] }).tokens ?? (t as { items?: Token[] }).items;
    if (nested) walk(nested, out);
  }
  return out;
}

/** GFM renders it as intended: tables whole, details balanced, one mermaid block, nothing hostile alive. */
function expectWellFormed(md: string): { tables: Tokens.Table[]; html: string } {
  const tokens = walk(marked.lexer(md, { gfm: true }));
  const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
  for (const t of tables) for (const row of t.rows) expect(row).toHaveLength(t.header.length);
  // A broken table row falls out as a paragraph that starts with a pipe.
  for (const p of tokens.filter((t) => t.type === 'paragraph')) expect(p.raw.trimStart().startsWith('|')).toBe(false);
  const html = marked.parse(md, { gfm: true, async: false }) as string;
  expect(html.match(/<details>/g)?.length ?? 0).toBe(html.match(/<\/details>/g)?.length ?? 0);
  expect(md.match(/<details>/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  expect((md.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
  expect(html).not.toMatch(/<b>x<\/b>|<a |<strong>bold|-->/);
  return { tables, html };
}

describe('renderMarkdown', () => {
  test('full report: snapshot', () => {
    expect(renderMarkdown(fullReport())).toMatchSnapshot();
  });

  test('first run: snapshot', () => {
    expect(renderMarkdown(firstRunReport())).toMatchSnapshot();
  });

  test('first line: verdict, compressed total, delta and the deciding rule', () => {
    const first = renderMarkdown(fullReport()).split('\n')[0];
    expect(first).toBe('### ❌ app: 28.8 MB compressed (+12.5 MB, +76.7 %) — max growth 5.00 MB and 10 %');
    expect(renderMarkdown(firstRunReport()).split('\n')[0]).toBe('### ⚠️ app: 28.8 MB compressed (no baseline) — max 3 layers');
  });

  test('GFM: every table whole, details balanced, mermaid block, tables inside details parsed', () => {
    const { tables, html } = expectWellFormed(renderMarkdown(fullReport()));
    // totals, budget, changed layers, unchanged layers, 2 file tables, cache stages
    expect(tables).toHaveLength(7);
    const layerTable = tables.find((t) => t.header[0].text === '#' && t.rows.some((r) => r[5].text.includes('added')))!;
    expect(layerTable.rows.map((r) => [r[0].text, r[2].text, r[3].text, r[5].text])).toEqual([
      ['3', '6', '12.3 MB (+12.3 MB)', '🆕 added'],
      ['4', '9', '1.00 MB (+200.0 kB)', '✏️ changed'],
    ]);
    expect(html).toContain('<code class="language-mermaid">pie showData title Compressed size by layer (MB)');
    expect(html).toContain('<summary>2 unchanged layers (15.5 MB compressed)</summary><table>');
  });

  test('hostile file names stay one inert cell', () => {
    const md = renderMarkdown(fullReport());
    const { tables, html } = expectWellFormed(md);
    const fileTable = tables.find((t) => t.rows.some((r) => r[0].text.includes('evil')))!;
    const row = fileTable.rows.find((r) => r[0].text.includes('evil'))!;
    expect(row).toHaveLength(3);
    expect(row[1].text).toBe('100.0 kB');
    expect(html).not.toContain('href');
    // The decoded text reads exactly as the name (newline shown as ␤).
    expect(html).toContain('<code>/app/evil&#124;name&#96;&#60;b&#62;x&#60;/b&#62;--&#62;␤&#64;octocat &#35;1 &#42;&#42;bold&#42;&#42; &#91;link&#93;(http&#58;//x)</code>');
    expect(md).not.toContain(HOSTILE);
  });

  test('hostile text in a mermaid label cannot close the fence or inject directives', () => {
    const report = fullReport();
    report.image.layers[3].instruction = 'COPY x\n```\n%%{init: {"theme":"dark"}}%%\n"quoted" : 5';
    const md = renderMarkdown(report);
    const mermaid = md.split('```mermaid\n')[1].split('\n```')[0];
    expect(mermaid).not.toMatch(/%%|```|\{|"quoted"/);
    expect(mermaid.split('\n')).toHaveLength(5);
    expectWellFormed(md);
  });

  test('identical images: no layer rows, says so', () => {
    const img = baseline.analysis;
    const md = renderMarkdown(reportFrom({ imageKey: 'app', image: img, baseline, generatedAt: '2026-11-23T09:00:00Z' }));
    expect(md.split('\n')[0]).toBe('### ✅ app: 16.3 MB compressed (±0 B, ±0 %) — no budget set');
    expect(md).toContain('**Layers:** 0 changed, 0 added, 0 removed, 3 unchanged. Same layers as the baseline.');
    expect(md).toContain('identical layers');
    expectWellFormed(md);
  });

  test('shrink: negative deltas and removed layers', () => {
    const current = image('pr', [baseline.analysis.layers[0], baseline.analysis.layers[2]].map((l) => ({ id: l.diffId.slice(7, 9), createdBy: l.createdBy, size: l.sizeBytes, compressed: l.compressedBytes })));
    current.layers[0].diffId = baseline.analysis.layers[0].diffId;
    current.layers[1].diffId = baseline.analysis.layers[2].diffId;
    const report = reportFrom({ imageKey: 'app', image: current, baseline, generatedAt: '2026-11-23T09:00:00Z' });
    const md = renderMarkdown(report);
    expect(md.split('\n')[0]).toBe('### ✅ app: 1.30 MB compressed (-15.0 MB, -92.0 %) — no budget set');
    expect(md).toContain('| base 2 | <code>RUN apk add curl</code> | 4 | — (-15.0 MB) | — (-40.0 MB) | 🗑️ removed |');
    expectWellFormed(md);
  });
});

describe('renderMarkdown: build and warning variants', () => {
  test('a skipped build, a failed cache source, a failed cache push and run warnings', () => {
    const report = fullReport();
    report.build = {
      ...build,
      upToDate: { key: 'k1', ref: 'localhost:5000/acme/app-buildcache:final--br-main@sha256:' + 'a'.repeat(64), secondsSaved: 40 },
      cacheSources: [{ ref: 'ghcr.io/acme/app-buildcache:deps--br-main', status: 'error', detail: 'denied: <b>no</b> | pull access' }],
      stages: [{ ...build.stages[0], cacheWrite: 'failed' }],
    };
    report.warnings = ['cache push denied for ghcr.io/acme/app-buildcache:deps--pr-7 | retry', ...Array.from({ length: 25 }, (_, i) => `w${i}`)];
    const md = renderMarkdown(report);
    expect(md).toMatch(/<details><summary>🧱 Build skipped: an image for the same inputs exists \(<code>localhost&#58;5000\/acme\/app-buildcache&#58;final--br-main&#64;…a+<\/code>\), about 40\.0 s saved<\/summary>/);
    expect(md).toContain('- ⚠️ error <code>ghcr.io/acme/app-buildcache&#58;deps--br-main</code> — denied&#58; &#60;b&#62;no&#60;/b&#62; &#124; pull access');
    expect(md).toContain('| <code>deps</code> | 3 / 3 | 0.4 s | 0.0 s | ⚠️ push failed: <code>');
    expect(md).toContain('- ⚠️ cache push denied for ghcr.io/acme/app-buildcache&#58;deps--pr-7 &#124; retry');
    expect(md).toContain('- _6 more warnings in the JSON report_');
    expectWellFormed(md);
  });

  test("gha mode: the stage caches' share of the repository's Actions-cache quota", () => {
    const report = fullReport();
    report.build = { ...build, mode: 'gha', actionsCache: { stageBytes: 1_234_000_000, stageEntries: 42, totalBytes: 2_500_000_000, quotaBytes: 10e9, quotaKnown: false } };
    const md = renderMarkdown(report);
    expect(md).toContain("🗄️ Actions cache: stage caches use 1.23 GB in 42 entries, 12.3 % of the repository's 10.0 GB (GitHub's default); all caches 2.50 GB.");
    expect(md).toContain('(gha mode)');
    expectWellFormed(md);
    report.build = { ...build, upToDate: { key: 'k', ref: 'Actions cache entry layerwise-result-v1-app-abc', stored: true } };
    expect(renderMarkdown(report)).toContain('🧱 Build skipped: an earlier run stored the result for the same inputs (<code>Actions cache entry layerwise-result-v1-app-abc</code>)');
  });

  test("BuildKit's Dockerfile checks: one collapsed list, a docs link only to docs.docker.com, hostile text inert", () => {
    const report = fullReport();
    report.build = {
      ...build,
      checks: [
        { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' },
        { rule: 'UndefinedVar', message: `Usage of undefined variable ${HOSTILE}`, line: 9, url: 'https://evil.example/go/dockerfile/rule/x/' },
      ],
    };
    const md = renderMarkdown(report);
    expect(md).toContain('<details><summary>🔎 2 Dockerfile check warnings from BuildKit</summary>');
    expect(md).toContain(
      "- line 1 · <code>FromAsCasing</code>: 'as' and 'FROM' keywords' casing do not match ([docs](https://docs.docker.com/go/dockerfile/rule/from-as-casing/))",
    );
    const undefinedVar = md.split('\n').find((l) => l.includes('<code>UndefinedVar</code>'))!;
    expect(undefinedVar).not.toContain('evil.example');
    expect(undefinedVar).not.toMatch(/@octocat|<b>|\[link\]/);
    expect(md).toContain('Skip a rule with `# check=skip=<rule>` at the top of the Dockerfile.');
    // The one link is the rule's page; the hostile message renders as text.
    const html = marked.parse(md, { gfm: true, async: false }) as string;
    expect(html.match(/<a [^>]*>/g)).toEqual(['<a href="https://docs.docker.com/go/dockerfile/rule/from-as-casing/">']);
    expect(html).not.toMatch(/<b>x<\/b>|<strong>bold|-->/);
    expect(renderMarkdown(fullReport())).not.toContain('Dockerfile check');
  });
});

describe('renderMarkdown under maxChars', () => {
  function hugeReport() {
    const specs = Array.from({ length: 400 }, (_, i) => ({
      id: `f${i.toString(16)}`,
      createdBy: `RUN /bin/sh -c step-${i} ${'x'.repeat(100)}`,
      size: 1_000_000 + i,
      compressed: 500_000 + i,
      line: i + 1,
      files: Array.from({ length: 10 }, (_, k) => [`/data/${i}/${'deep/'.repeat(20)}file-${k}|\`<x>`, 1000 + k] as [string, number]),
    }));
    const base = image('base', specs.map((s) => ({ ...s, id: `e${s.id}`, size: s.size - 500, files: [] })));
    const current = image('pr', specs);
    return reportFrom({ imageKey: 'app', image: current, baseline: { ...baseline, analysis: base }, generatedAt: '2026-11-23T09:00:00Z', warnings: Array.from({ length: 50 }, (_, i) => `warning ${i}`) });
  }

  test('a huge report is cut to 65 536 characters, least important parts first, and says so', () => {
    const full = renderMarkdown(hugeReport(), { maxChars: 10_000_000 });
    expect(full.length).toBeGreaterThan(65_536);
    const md = renderMarkdown(hugeReport());
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.split('\n')[0]).toMatch(/^### ✅ app: /);
    const note = md.split('\n')[2];
    expect(note).toMatch(/^> ✂️ Cut to fit the 65,536-character limit: left out composition chart, file lists\. /);
    expect(md).toContain('**Layers:** 400 changed');
    expectWellFormed(md);
  });

  test('a tight limit shrinks the layer table to its biggest rows', () => {
    const md = renderMarkdown(hugeReport(), { maxChars: 6_000 });
    expect(md.length).toBeLessThanOrEqual(6_000);
    expect(md).toMatch(/table rows beyond the \d+ largest/);
    expect(md).toMatch(/smaller changes not shown/);
    expectWellFormed(md);
  });

  test('an absurd limit still returns at most that many characters', () => {
    expect(renderMarkdown(hugeReport(), { maxChars: 300 }).length).toBeLessThanOrEqual(300);
  });

  test('a report that fits is not cut', () => {
    expect(renderMarkdown(fullReport())).not.toContain('Cut to fit');
  });
});

describe('renderMarkdown: estimated compressed sizes', () => {
  test('an estimate is never shown as measured: every compressed figure it feeds carries ≈, and a note says why', () => {
    const report = fullReport();
    report.image.layers[3].compressedSource = 'tar'; // "no compressed size known; using the uncompressed tar length"
    report.image.compressedSource = 'mixed';
    const md = renderMarkdown(report);
    expect(md.split('\n')[0]).toBe('### ❌ app: ≈28.8 MB compressed (≈+12.5 MB, ≈+76.7 %) — max growth 5.00 MB and 10 %');
    expect(md).toContain('| **This image** | ≈28.8 MB |');
    expect(md).toContain('| Baseline | 16.3 MB |');
    expect(md).toContain('| Change | ≈+12.5 MB (≈+76.7 %) |');
    expect(md).toContain('_≈ estimated, not measured: the uncompressed tar length where no compressed size was known (an upper bound)._');
    expect(md).toContain('| 4 | <code>COPY /src /app</code> | 9 | ≈1.00 MB (≈+200.0 kB) |');
    expect(md).toContain('| 3 | <code>RUN apt-get update &#38;&#38; apt-get install -y build-essential</code> | 6 | 12.3 MB (+12.3 MB) |');
    expect(md).toContain('📊 What the image is made of (≈ estimated compressed size by layer)');
    expect(md).toContain('pie showData title Compressed size by layer (≈ MB)');
    expectWellFormed(md);
  });

  test('an estimated baseline marks the baseline and the change, not the measured image', () => {
    const report = fullReport();
    report.baseline!.compressedSource = 'gzip';
    const md = renderMarkdown(report);
    expect(md).toContain('| **This image** | 28.8 MB |');
    expect(md).toContain('| Baseline | ≈16.3 MB |');
    expect(md).toContain('| Change | ≈+12.5 MB (≈+76.7 %) |');
    // An unchanged layer's delta involves the baseline's layer; an added one does not.
    expect(md).toContain('| 1 | <code>COPY busybox /bin/</code> |  | 500.0 kB (≈±0 B) |');
    expect(md).toContain('| 3 | <code>RUN apt-get update &#38;&#38; apt-get install -y build-essential</code> | 6 | 12.3 MB (+12.3 MB) |');
    expect(md).toContain("_≈ estimated, not measured: the baseline's compressed size is an estimate._");
  });

  test('all measured: no ≈ anywhere', () => {
    expect(renderMarkdown(fullReport())).not.toContain('≈');
  });
});
