// Build mode writes only reports report mode accepts (issue 12, item 7): report assembly cuts to the same limits
// the validator checks, from one table (core/report-limits.ts).
import { reportFrom } from '../../helpers/report.js';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { renderJson } from '../../../src/report/build.js';
import { limitAnalysis, limitReport } from '../../../src/report/limit-report.js';
import { cutString } from '../../../src/report/shape.js';
import { parseImageAnalysis, parseUntrustedReport } from '../../../src/report/untrusted.js';
import { jsonBytes, LIST_LIMITS, MAX_REPORT_BYTES, utf8Bytes } from '../../../src/core/report-limits.js';
import type { Report } from '../../../src/report/types.js';
import { analyse, imageShape, reportParts } from '../../helpers/report-arbitraries.js';
import { fixtureReport, maximalReport } from '../../helpers/report-fixture.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] } };
const documented = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(new URL('../../../docs/report.schema.json', import.meta.url), 'utf8')));

/**
 * What report mode makes of the JSON build mode wrote: must not throw and must equal the JSON (nothing cut or
 * lost); the JSON matches the documented schema too.
 */
function throughReportMode(report: Report): Report {
  const json = renderJson(report);
  const parsed = parseUntrustedReport(json, 'layerwise-report.json');
  expect(parsed).toEqual(JSON.parse(json));
  documented(JSON.parse(json));
  expect(documented.errors ?? []).toEqual([]);
  return parsed;
}

describe('every report build mode makes passes report mode', () => {
  test('property: realistic images through the real analysis, compare, budget and report assembly', () => {
    fc.assert(
      fc.property(reportParts, (parts) => {
        const report = reportFrom(parts);
        throughReportMode(report);
        if (parts.image.hints.length > LIST_LIMITS.hints) {
          expect(report.image.hints).toHaveLength(LIST_LIMITS.hints);
          expect(report.warnings.join('\n')).toContain(`image.hints ${parts.image.hints.length} items cut to ${LIST_LIMITS.hints}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('25 layers with every kind of junk: 210+ hints are cut to 200 with a warning, the biggest kept', () => {
    const shape = fc.sample(imageShape, { numRuns: 1, seed: 7 })[0];
    const steps = Array.from({ length: 25 }, (_, i) => ({
      dockerfile: `RUN make step${i}`, createdBy: `RUN /bin/sh -c make step${i} # buildkit`,
      entries: ['var/cache/apt/archives', 'var/lib/apt/lists', 'root/.cache/pip/x', 'root/.npm/_cacache/y', 'app/.git/objects', 'tmp/build',
        'usr/share/doc/x', 'usr/lib/gcc/x86_64-linux-gnu/12', 'var/cache/apk', 'usr/local/share/.cache/yarn/v6', 'usr/local/go/bin']
        .map((d, k) => ({ path: `${d}/f${i}-${k}`, kind: 'file' as const, bytes: 2_000_000 + i * 1000 + k })),
    }));
    const image = analyse({ base: shape.base, steps }, { ref: 'app:pr', topFiles: 10, compressed: 'gzip' });
    expect(image.hints.length).toBeGreaterThanOrEqual(210);
    const report = throughReportMode(reportFrom({ imageKey: 'app', image }));
    expect(report.image.hints).toEqual(image.hints.slice(0, LIST_LIMITS.hints));
    expect(report.warnings).toEqual([`report cut to the limits report mode accepts: image.hints ${image.hints.length} items cut to 200`]);
  });

  test('top-files 150 (from before the input was capped, or a CLI analysis): 100 per layer, one warning for all layers', () => {
    const steps = [0, 1, 2].map((i) => ({
      dockerfile: `COPY dist${i} /srv/app`, createdBy: `COPY dist${i} /srv/app # buildkit`,
      entries: Array.from({ length: 150 }, (_, k) => ({ path: `srv/app/f${k}.js`, kind: 'file' as const, bytes: 1000 + k })),
    }));
    const image = analyse({ base: [[]], steps }, { ref: 'app:pr', topFiles: 150, compressed: 'gzip' });
    const report = throughReportMode(reportFrom({ imageKey: 'app', image, topFiles: 150 }));
    expect(report.image.layers.map((l) => l.topFiles.length)).toEqual([0, 100, 100, 100]);
    expect(report.image.layers[1].topFiles[0]).toEqual({ path: 'srv/app/f149.js', bytes: 1149, change: 'added' });
    expect(report.warnings).toEqual(['report cut to the limits report mode accepts: image.layers[].topFiles 150 items cut to 100 (and 2 more like it)']);
  });

  test('a report within every limit is left as it is', () => {
    const r = fixtureReport({ pr: 7 });
    expect(limitReport(r)).toEqual(r);
  });

  test('growth from a 100-byte base to gigabytes is a number report mode accepts (not clamped)', () => {
    const r = fixtureReport();
    r.diff!.delta.compressedPercent = ((5e9 - 100) / 100) * 100;
    r.verdict.results[1].actual = r.diff!.delta.compressedPercent;
    expect(limitReport(r)).toEqual(r);
    throughReportMode(r);
  });

  test('150 warnings: 100 kept, the last says how many were left out', () => {
    const r = fixtureReport();
    r.warnings = Array.from({ length: 150 }, (_, i) => `w${i}`);
    const out = throughReportMode(limitReport(r));
    expect(out.warnings).toHaveLength(100);
    expect(out.warnings.slice(98)).toEqual(['w98', '51 more warning(s) left out']);
  });

  test('worst case: every list at its limit and every string at its cap still makes a JSON report report mode reads', () => {
    // The lists limitReport can empty hold 8 items each here, not up to 1000: emptied, every size of them leaves the
    // same report, and building and walking ~500 000 more objects would cost seconds (measured with droppable at the limits: passes).
    const r = maximalReport(8);
    expect(jsonBytes(r)).toBeGreaterThan(3 * MAX_REPORT_BYTES);
    const out = limitReport(r);
    const json = renderJson(out);
    expect(utf8Bytes(json)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    expect(parseUntrustedReport(json, 'r.json')).toEqual(JSON.parse(json));
    expect(out.warnings.filter((w) => /under 8388608 bytes/.test(w))).toEqual([
      'largest files dropped to keep the JSON report under 8388608 bytes',
      'per-step build details dropped to keep the JSON report under 8388608 bytes',
      expect.stringMatching(/^strings cut to \d+ characters to keep the JSON report under 8388608 bytes$/),
    ]);
    expect(out.image.layers[0].topFiles).toEqual([]);
    // Digests survive whole.
    expect(out.image.layers[0].diffId).toBe(r.image.layers[0].diffId);
  });

  test('a report that breaks its own schema (a bug) is kept, with a warning, rather than failing the build', () => {
    const r = fixtureReport();
    (r.image.layers[0] as unknown as Record<string, unknown>).instruction = 5;
    const out = limitReport(r);
    expect(out.image).toBe(r.image);
    expect(out.warnings).toEqual(['this report breaks its schema at $.image.layers[0].instruction: expected a string: report mode would refuse it']);
  });

  test('a stored baseline is cut to the limits it is read back with', () => {
    const image = fixtureReport().image;
    image.hints = Array.from({ length: 230 }, () => image.hints[0]);
    const notes: string[] = [];
    const cut = limitAnalysis(image, (m) => notes.push(m));
    expect(parseImageAnalysis(JSON.parse(JSON.stringify(cut)), 'baseline')).toEqual(cut);
    expect(notes).toEqual(['baseline cut to the limits it is read back with: analysis.hints 230 items cut to 200']);
  });
});

test('utf8Bytes counts what the file takes on disk', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expect(utf8Bytes(s)).toBe(Buffer.byteLength(s, 'utf8'))), { numRuns: 300 });
});

test('jsonBytes is the size of JSON.stringify(value, null, 2) in UTF-8, without making it', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const withStrings = fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' })), fc.double()));
  fc.assert(
    fc.property(fc.oneof(json, withStrings), fc.constantFrom(0, 2), fc.nat(200), (v, indent, stop) => {
      const size = Buffer.byteLength(JSON.stringify(v, null, indent), 'utf8');
      expect(jsonBytes(v, indent)).toBe(size);
      // Stopping early keeps the answer to "more than `stop`?" right.
      expect(jsonBytes(v, indent, undefined, stop) > stop).toBe(size > stop);
    }),
    { numRuns: 300 },
  );
  expect(jsonBytes({ a: undefined, b: [undefined, 1] })).toBe(Buffer.byteLength(JSON.stringify({ a: undefined, b: [undefined, 1] }, null, 2)));
});

test('cutString cuts by code points as Array.from counts them', () => {
  const reference = (t: string, max: number) => (Array.from(t).length > max ? `${Array.from(t).slice(0, max - 1).join('')}…` : t);
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('a', '😀', '\ud800', '\udc00', 'é'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (t, max) => {
      expect(cutString(t, max)).toBe(reference(t, max));
    }),
    { numRuns: 500 },
  );
});
