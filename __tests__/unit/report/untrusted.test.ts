import { parseUntrustedReport, safeImageKey, MAX_REPORT_BYTES } from '../../../src/report/untrusted.js';
import { fixtureReport } from '../../helpers/report-fixture.js';

// The report as parsed JSON: tests break it on purpose, so its type is loose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;
const minimalBuild = { stages: [], cacheSources: [], totalSteps: 0, cachedSteps: 0, cacheHitRatio: 1, seconds: 0, mode: 'inline', warnings: [] };
const ok = (): J => JSON.parse(JSON.stringify(fixtureReport({ pr: 7 })));

describe('parseUntrustedReport', () => {
  test('a real report passes through unchanged', () => {
    const r = fixtureReport({ pr: 7 });
    expect(parseUntrustedReport(JSON.stringify(r), 'report.json')).toEqual(r);
  });

  test('every optional field the report schema allows passes through', () => {
    const j = ok();
    j.image.layers[0].compressedSource = 'tar';
    j.image.layers[0].compression = 'gzip';
    j.image.compressedSource = 'mixed';
    j.image.warnings = ['history has 1 entry fewer than layers'];
    j.baseline.source = 'image';
    j.diff.notes = ['unchanged layer measured differently'];
    j.build = {
      stages: [{ name: 'deps', steps: 2, cachedSteps: 2, seconds: 0, cacheRef: 'r/c:deps--br-main', pushed: false, cacheFrom: [], stepDetails: [], cacheWrite: 'unchanged' }],
      cacheSources: [], totalSteps: 2, cachedSteps: 2, cacheHitRatio: 1, seconds: 1, mode: 'inline', warnings: [],
      checks: [{ rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' }],
    };
    expect(parseUntrustedReport(JSON.stringify(j), 'report.json')).toEqual(j);
  });

  test('unknown fields are dropped at every level', () => {
    const j = ok();
    j.__proto__polluted = 1;
    j.image.layers[0].onclick = '<script>';
    j.verdict.extra = { a: 1 };
    const r = parseUntrustedReport(JSON.stringify(j), 'report.json') as unknown as Record<string, unknown>;
    expect(r.__proto__polluted).toBeUndefined();
    expect((r.image as { layers: Record<string, unknown>[] }).layers[0].onclick).toBeUndefined();
    expect((r.verdict as Record<string, unknown>).extra).toBeUndefined();
  });

  test('a JSON "__proto__" key cannot pollute prototypes', () => {
    const text = JSON.stringify(ok()).replace('"context":{', '"context":{"__proto__":{"polluted":true},');
    const r = parseUntrustedReport(text, 'r.json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((r.context as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    ['wrong type', (j: J) => (j.image.compressedBytes = '12'), 'r.json: $.image.compressedBytes: expected a number from 0 to 1000000000000000'],
    ['NaN-ish', (j: J) => (j.image.sizeBytes = -5), 'r.json: $.image.sizeBytes: expected a number from 0 to 1000000000000000'],
    ['bad enum', (j: J) => (j.verdict.status = 'pwned'), 'r.json: $.verdict.status: expected one of pass, warn, fail'],
    ['too many layers', (j: J) => (j.image.layers = Array(1001).fill(j.image.layers[0])), 'r.json: $.image.layers: expected at most 1000 items, got 1001'],
    ['missing field', (j: J) => delete j.verdict, 'r.json: $.verdict: expected an object'],
    ['other schema', (j: J) => (j.schemaVersion = 2), 'r.json: $.schemaVersion: expected one of 1'],
    ['PR number not an integer', (j: J) => (j.context.pr = 1.5), 'r.json: $.context.pr: expected an integer from 1 to 1000000000'],
    ['array for object', (j: J) => (j.diff = []), 'r.json: $.diff: expected an object'],
    ['a check with a made-up rule', (j: J) => (j.build = { ...minimalBuild, checks: [{ rule: 'x y', message: 'm' }] }), 'r.json: $.build.checks[0].rule: expected a BuildKit rule name'],
    ['a check linking elsewhere', (j: J) => (j.build = { ...minimalBuild, checks: [{ rule: 'FromAsCasing', message: 'm', url: 'https://evil.example/' }] }), 'r.json: $.build.checks[0].url: expected a rule page on docs.docker.com'],
  ])('%s → one line naming the file and JSON path', (_name, mutate, message) => {
    const j = ok();
    mutate(j);
    expect(() => parseUntrustedReport(JSON.stringify(j), 'r.json')).toThrow(message);
  });

  test('long strings are cut, not refused', () => {
    const j = ok();
    j.image.layers[1].instruction = 'RUN ' + 'x'.repeat(10_000);
    const r = parseUntrustedReport(JSON.stringify(j), 'r.json');
    expect(Array.from(r.image.layers[1].instruction)).toHaveLength(2000);
    expect(r.image.layers[1].instruction.endsWith('…')).toBe(true);
  });

  test('not JSON, or too big', () => {
    expect(() => parseUntrustedReport('{nope', 'r.json')).toThrow(/^r\.json: not JSON \(/);
    expect(() => parseUntrustedReport(' '.repeat(MAX_REPORT_BYTES + 1), 'r.json')).toThrow(/more than 8388608/);
  });

  test("the parser's message quotes the artifact: it stays one inert, short line", () => {
    for (const text of ['\r\u0000', '@octocat\r\nx', `"${'a'.repeat(5000)}`]) {
      let message = '';
      try {
        parseUntrustedReport(text, 'r.json');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^r\.json: not JSON \([^\r\n]*\)$/);
      expect(message).not.toMatch(/@octocat/);
      expect(message.length).toBeLessThan(200);
    }
  });

  test('image keys from an artifact are reduced to a plain set', () => {
    expect(safeImageKey('web')).toBe('web');
    expect(safeImageKey('a --> b\n<x>')).toBe('a_--__b__x_');
    expect(safeImageKey('')).toBe('image');
    expect(safeImageKey('k'.repeat(500))).toHaveLength(100);
  });
});
