// The rendered-comment check (issue 15): the sticky comment and the job summary of three real reports — written by
// `npm run example` on the test bed (see __tests__/fixtures/reports/README.md) — read as GitHub renders them, and a
// fork's version of each with an attack appended to every string the report lets it control. Asserts on what a
// reader sees: nothing GitHub would strip, no link, no ping; no raw backticks or entities in text; commands as code;
// one row per rule; one layer numbering across the comment, the terminal and annotations; a chart mermaid parses.
import { readFileSync } from 'node:fs';
import { parse } from '@mermaid-js/parser';
import { ruleRows } from '../../../src/budget/evaluate.js';
import { renderAnalysisTable } from '../../../src/image/table.js';
import { buildAnnotations } from '../../../src/publish/annotations.js';
import { commentBodyLimit, stickyBody } from '../../../src/publish/marker.js';
import { mermaidLabel, oneLine, splitCode, truncate } from '../../../src/report/escape.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Report } from '../../../src/report/types.js';
import { parseUntrustedReport, safeImageKey } from '../../../src/report/untrusted.js';
import { elements, filteredTexts, pings, renderLikeGitHub, strippedOrLinked, textOf, type HNode } from '../../helpers/github-render.js';
import { forkVersion } from './fork-version.js';

const REPORTS = {
  'pass with baseline': 'pass-with-baseline.json',
  'fail with junk and growth': 'fail-junk-growth.json',
  'skipped build': 'skipped-build.json',
} as const;
type Name = keyof typeof REPORTS;

const fixture = (file: string) => readFileSync(new URL(`../../fixtures/reports/${file}`, import.meta.url), 'utf8');
/** As report mode reads an artifact: validated and rebuilt field by field. */
const load = (name: Name): Report => parseUntrustedReport(fixture(REPORTS[name]), REPORTS[name]);

/** The sticky comment (marker + body, cut to GitHub's limit) and the job summary, as the action writes them. */
function surfaces(report: Report): [string, string][] {
  const key = safeImageKey(report.imageKey);
  const markdown = renderMarkdown(report, { maxChars: commentBodyLimit(key) });
  return [['comment', stickyBody(key, markdown)], ['summary', markdown]];
}

const byTag = (n: HNode, tag: string) => elements(n).filter((e) => e.el.tagName === tag).map((e) => e.el);
const cells = (row: HNode) => (row.children ?? []).filter((c) => c.tagName === 'td' || c.tagName === 'th');
function table(tree: HNode, firstHeader: string, secondHeader?: string): HNode[][] {
  const found = byTag(tree, 'table').filter((t) => {
    const head = cells(byTag(t, 'tr')[0]).map(textOf);
    return head[0] === firstHeader && (secondHeader === undefined || head[1] === secondHeader);
  });
  return found.flatMap((t) => byTag(t, 'tr').slice(1).map(cells));
}

const cases = (Object.keys(REPORTS) as Name[]).flatMap((name) => surfaces(load(name)).map(([surface, md]) => [name, surface, md] as const));

describe('the three reports are what their names say', () => {
  test('measured on the bed, as report mode reads them', () => {
    const pass = load('pass with baseline');
    expect([pass.verdict.status, Boolean(pass.baseline), pass.build?.upToDate]).toEqual(['pass', true, undefined]);
    const fail = load('fail with junk and growth');
    expect(fail.verdict.status).toBe('fail');
    expect(fail.verdict.deciding.map((r) => r.metric)).toEqual(expect.arrayContaining(['growth-bytes', 'growth-percent']));
    expect(fail.image.hints.length).toBeGreaterThan(2);
    expect(load('skipped build').build?.upToDate?.ref).toMatch(/@sha256:[0-9a-f]{64}$/);
  });
});

describe.each(cases)('%s — %s, as GitHub renders it', (name, _surface, md) => {
  const report = load(name);
  const r = renderLikeGitHub(md);

  test('nothing GitHub would strip, no link or image, no @mention or reference that could ping', () => {
    expect(strippedOrLinked(r)).toEqual([]);
    expect(pings(r.tree)).toEqual([]);
  });

  test('no raw backticks or entities in the text people read', () => {
    for (const text of filteredTexts(r.tree)) {
      expect(text).not.toContain('`');
      expect(text).not.toMatch(/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/i);
    }
  });

  test('fix commands are code; prose stays prose', () => {
    const items = byTag(r.tree, 'li');
    for (const hint of report.image.hints) {
      const li = items.find((x) => textOf(x).includes(oneLine(hint.title)));
      expect(li).toBeDefined();
      const codes = byTag(li!, 'code').map(textOf);
      for (const part of splitCode(hint.fix).filter((p) => p.code)) expect(codes).toContain(part.text);
    }
  });

  test('one row per rule, as it was set', () => {
    const rows = table(r.tree, 'Rule');
    const expected = ruleRows(report.verdict.results);
    expect(rows.map((row) => textOf(row[0]))).toEqual(expected.map((x) => x.label));
    expect(new Set(rows.map((row) => textOf(row[0]))).size).toBe(rows.length);
  });

  test('one layer numbering: layer N is the same layer in tables, hints, file lists, the chart, the terminal and annotations', () => {
    const instructionOf = (n: number) => report.image.layers[n - 1]?.instruction;
    const seen: number[] = [];
    for (const row of [...table(r.tree, '#', 'Instruction')]) {
      const label = textOf(row[0]);
      if (label.startsWith('base ')) continue;
      seen.push(Number(label));
      expect(textOf(row[1])).toBe(truncate(oneLine(instructionOf(Number(label))!), 80));
    }
    for (const li of byTag(r.tree, 'li')) {
      const m = / in layer (\d+) /.exec(textOf(li));
      if (!m) continue;
      seen.push(Number(m[1]));
      expect(textOf(byTag(li, 'code')[0])).toBe(truncate(oneLine(instructionOf(Number(m[1]))!), 80));
    }
    for (const p of byTag(r.tree, 'p')) {
      const m = /^Layer (\d+) /.exec(textOf(p));
      if (m) expect(textOf(byTag(p, 'code')[0])).toBe(truncate(oneLine(instructionOf(Number(m[1]))!), 80));
    }
    const chart = byTag(r.tree, 'code').find((c) => String((c.properties?.className as string[] | undefined) ?? '').includes('language-mermaid'));
    for (const m of textOf(chart!).matchAll(/"L(\d+) [^"]*"/g)) expect(m[0]).toBe(`"${mermaidLabel(`L${m[1]} ${instructionOf(Number(m[1]))}`)}"`);
    expect(seen.length).toBeGreaterThan(0);
    // The terminal table and annotations count the same way.
    const terminal = renderAnalysisTable(report.image);
    for (const n of seen) expect(terminal).toMatch(new RegExp(`^${n} .*  ${escapeRe(truncate(oneLine(instructionOf(n)!), 40).slice(0, 30))}`, 'm'));
    for (const a of buildAnnotations(report, 'Dockerfile')) {
      const m = /in layer (\d+):/.exec(a.message);
      if (m) expect(report.image.hints.some((h) => h.layerIndex + 1 === Number(m[1]) && a.title.endsWith(oneLine(h.title)))).toBe(true);
    }
  });

  test('the Mermaid block is a pie chart mermaid parses, one slice per shown layer', async () => {
    const blocks = byTag(r.tree, 'code').filter((c) => String(c.properties?.className ?? '').includes('language-mermaid'));
    expect(blocks).toHaveLength(1);
    const ast = await parse('pie', textOf(blocks[0]));
    expect(ast.showData).toBe(true);
    expect(ast.title).toMatch(/^Compressed size by layer \((?:≈ )?(?:MB|kB)\)$/);
    const sized = report.image.layers.filter((l) => l.compressedBytes > 0);
    expect(ast.sections).toHaveLength(Math.min(sized.length, 8) + (sized.length > 8 ? 1 : 0));
    for (const s of ast.sections as { value: number }[]) expect(s.value).toBeGreaterThan(0);
  });

  test('an estimate is marked ≈ and a measured size is not', () => {
    const estimated = report.image.layers.some((l) => l.compressedSource !== 'manifest') || (report.baseline?.compressedSource ?? 'manifest') !== 'manifest';
    expect(textOf(r.tree).includes('≈')).toBe(estimated);
  });
});

describe.each(Object.keys(REPORTS) as Name[])('%s from a fork: every string it controls carries an attack', (name) => {
  const { report, attacked } = forkVersion(fixture(REPORTS[name]), REPORTS[name]);

  test('the attack reached the report (it would be shown)', () => {
    expect(attacked.length).toBeGreaterThan(20);
    expect(JSON.stringify(report)).toContain('@acme/security-team');
  });

  test.each(surfaces(report))('%s: nothing stripped, no link, no ping or cross-link', (_surface, md) => {
    const r = renderLikeGitHub(md);
    expect(strippedOrLinked(r)).toEqual([]);
    expect(pings(r.tree)).toEqual([]);
    // The attack is shown as text, not lost: the team name is there, made inert.
    expect(textOf(r.tree)).toContain('acme/security-team');
  });

  test('annotations: no ping or cross-link', () => {
    for (const a of buildAnnotations(report, 'Dockerfile')) {
      for (const text of [a.title, a.message]) expect(text).not.toMatch(/@[A-Za-z0-9_]|#\d|gh-\d|[a-z]:\/\/|www\./i);
    }
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
