import { evaluateBudget, ruleRows } from '../../../src/budget/evaluate.js';
import { compareImages } from '../../../src/compare/compare.js';
import type { BudgetRule } from '../../../src/config/types.js';
import { BASE, image } from '../compare/fixtures.js';

const rule = (metric: BudgetRule['metric'], limit: number, level: BudgetRule['level'] = 'fail'): BudgetRule => ({ metric, limit, level, source: 'test' });
const app = { id: 'c1', createdBy: 'COPY app /app', size: 1_000_000, compressed: 500_000 };
const base = image('base', [BASE, app]); // compressed 1 000 000, uncompressed 2 000 000
const grown = image('pr', [BASE, { ...app, id: 'c2', size: 1_400_000, compressed: 700_000 }]); // +200 kB compressed, +20 %
const diff = compareImages(base, grown);

describe('absolute rules', () => {
  test.each([
    [rule('compressed-size', 1_200_000), 'pass', 'compressed size 1.20 MB within max size 1.20 MB (compressed)'],
    [rule('compressed-size', 1_199_999), 'fail', 'compressed size 1.20 MB exceeds max size 1.20 MB (compressed)'],
    [rule('size', 2_000_000, 'warn'), 'warn', 'uncompressed size 2.40 MB exceeds max size 2.00 MB (uncompressed)'],
    [rule('layers', 2), 'pass', '2 layers within max 2 layers'],
    [rule('layers', 1), 'fail', '2 layers exceeds max 1 layer'],
    [rule('largest-layer', 1_399_999), 'fail', 'largest layer 1.40 MB exceeds max layer 1.40 MB (uncompressed)'],
    [rule('wasted-bytes', 0), 'pass', 'wasted 0 B within max wasted 0 B'],
    [rule('efficiency', 1), 'pass', 'efficiency 100 % meets min efficiency 100 %'],
  ])('%o → %s', (r, status, message) => {
    const v = evaluateBudget([r], { current: grown });
    expect(v.results[0].status).toBe(status);
    expect(v.results[0].message).toBe(message);
    expect(v.status).toBe(status);
  });

  test('wasted bytes and efficiency read the analysis', () => {
    const wasteful = image('w', [BASE, { ...app, wasted: 600_000 }]);
    const v = evaluateBudget([rule('wasted-bytes', 500_000), rule('efficiency', 0.9, 'warn')], { current: wasteful });
    expect(v.results.map((r) => [r.status, r.actual])).toEqual([
      ['fail', 600_000],
      ['warn', 0.7],
    ]);
    expect(v.results[1].message).toBe('efficiency 70 % below min efficiency 90 %');
    expect(v.status).toBe('fail');
    expect(v.deciding).toEqual([v.results[0]]);
  });
});

describe('relative rules', () => {
  test('no baseline (first run): skipped, not failed, and the verdict says so', () => {
    const v = evaluateBudget([rule('growth-percent', 1), rule('growth-bytes', 1), rule('compressed-size', 1e9)], { current: grown });
    expect(v.status).toBe('pass');
    expect(v.results.map((r) => r.status)).toEqual(['skipped', 'skipped', 'pass']);
    expect(v.results[0].actual).toBeNull();
    // The bytes and percent limits are one rule (max-growth: 1B,1%): one skipped rule, one row.
    expect(v.results.map((r) => r.jointWith)).toEqual(['growth-bytes', 'growth-percent', undefined]);
    expect(v.results[0].message).toBe('max growth 1 B and 1 % skipped: no baseline');
    expect(v.notes).toEqual(['1 relative rule skipped: no baseline to compare with']);
    expect(v.summary).toBe('pass — 1 of 2 rules checked, all within budget');
  });

  test('percent alone fails on +20 %', () => {
    const v = evaluateBudget([rule('growth-percent', 10)], { current: grown, diff, baseline: base });
    expect(v.status).toBe('fail');
    expect(v.results[0].actual).toBeCloseTo(20, 9);
    expect(v.summary).toBe('fail — compressed growth +200.0 kB (+20.0 %) exceeds max growth 10 %');
  });

  test('bytes and percent together: fails only when both are exceeded', () => {
    const both = (bytes: number, pct: number) =>
      evaluateBudget([rule('growth-bytes', bytes), rule('growth-percent', pct)], { current: grown, diff, baseline: base });
    const tinyBytesOnly = both(1_000_000, 10); // +20 % but only +200 kB of 1 MB allowed
    expect(tinyBytesOnly.status).toBe('pass');
    expect(tinyBytesOnly.results.map((r) => [r.status, r.jointWith])).toEqual([
      ['pass', 'growth-percent'],
      ['pass', 'growth-bytes'],
    ]);
    expect(tinyBytesOnly.results[0].message).toBe(
      'compressed growth +200.0 kB (+20.0 %) within max growth 1.00 MB and 10 % (counts only when both are exceeded)',
    );
    expect(both(100_000, 50).status).toBe('pass');
    const fail = both(100_000, 10);
    expect(fail.status).toBe('fail');
    expect(fail.deciding).toHaveLength(2);
    expect(fail.summary).toBe('fail — compressed growth +200.0 kB (+20.0 %) exceeds max growth 100.0 kB and 10 %');
    // One rule as set, one row: the renderers, the terminal and annotations show it once.
    expect(ruleRows(fail.results).map((r) => [r.label, r.status, r.source, r.results.length])).toEqual([
      ['max growth 100.0 kB and 10 %', 'fail', 'test', 2],
    ]);
    expect(ruleRows(fail.deciding)).toHaveLength(1);
  });

  test('estimated compressed sizes are marked ≈ in every message that shows them', () => {
    const est = (img: typeof base) => ({ ...img, layers: img.layers.map((l) => ({ ...l, compressedSource: 'gzip' as const })) });
    const size = evaluateBudget([rule('compressed-size', 1_000_000)], { current: est(grown) });
    expect(size.results[0].message).toBe('compressed size ≈1.20 MB exceeds max size 1.00 MB (compressed)');
    // Either side estimated makes the growth an estimate; the baseline may be a Baseline or a report summary.
    const growth = (current: typeof base, baseline: unknown) =>
      evaluateBudget([rule('growth-percent', 10)], { current, diff, baseline }).results[0].message;
    expect(growth(grown, { analysis: est(base) })).toBe('compressed growth ≈+200.0 kB (≈+20.0 %) exceeds max growth 10 %');
    expect(growth(grown, { compressedSource: 'tar' })).toBe('compressed growth ≈+200.0 kB (≈+20.0 %) exceeds max growth 10 %');
    expect(growth(est(grown), base)).toBe('compressed growth ≈+200.0 kB (≈+20.0 %) exceeds max growth 10 %');
    expect(growth(grown, est(base))).toBe('compressed growth ≈+200.0 kB (≈+20.0 %) exceeds max growth 10 %');
    expect(growth(grown, { compressedSource: 'manifest' })).toBe('compressed growth +200.0 kB (+20.0 %) exceeds max growth 10 %');
  });

  test('warn and fail tiers: the highest level exceeded wins', () => {
    const rules = [rule('growth-percent', 5, 'warn'), rule('growth-percent', 25, 'fail')];
    const v = evaluateBudget(rules, { current: grown, diff, baseline: base });
    expect(v.status).toBe('warn');
    expect(v.results.map((r) => r.status)).toEqual(['warn', 'pass']);
  });

  test('shrinking never trips a growth rule', () => {
    const shrink = compareImages(grown, base);
    const v = evaluateBudget([rule('growth-bytes', 0), rule('growth-percent', 0)], { current: base, diff: shrink, baseline: grown });
    expect(v.status).toBe('pass');
    expect(v.results[0].actual).toBe(-200_000);
  });

  test('identical images: zero growth passes a zero budget', () => {
    const same = compareImages(base, base);
    expect(evaluateBudget([rule('growth-bytes', 0)], { current: base, diff: same, baseline: base }).status).toBe('pass');
  });

  test('an empty baseline skips the percent rule but checks bytes', () => {
    const empty = image('empty', []);
    const d = compareImages(empty, grown);
    const v = evaluateBudget([rule('growth-percent', 10), rule('growth-bytes', 100)], { current: grown, diff: d, baseline: empty });
    expect(v.results.map((r) => r.status)).toEqual(['skipped', 'fail']);
    expect(v.notes).toEqual(['1 relative rule skipped: the baseline is empty']);
  });

  test('no rules: pass, and says there is no budget', () => {
    expect(evaluateBudget([], { current: grown }).summary).toBe('pass — no budget set');
  });
});
