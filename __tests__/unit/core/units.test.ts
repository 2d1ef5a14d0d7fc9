import { formatBytes, formatDelta, formatPercentDelta, parseCountValue, parsePercent, parseRatio, parseSize } from '../../../src/core/units.js';
import { InputError } from '../../../src/core/errors.js';

describe('parseSize', () => {
  test.each([
    ['150MB', 150_000_000],
    ['150 MB', 150_000_000],
    ['150mb', 150_000_000],
    ['1.5GiB', 1_610_612_736],
    ['1.5GB', 1_500_000_000],
    ['512KiB', 524_288],
    ['3kB', 3_000],
    ['2TB', 2e12],
    ['1MiB', 1_048_576],
    ['2048', 2048],
    ['10B', 10],
    ['.5MB', 500_000],
  ])('%s → %d bytes', (raw, bytes) => expect(parseSize(raw, 'input max-size')).toBe(bytes));

  test.each(['', '150M', 'MB', '-5MB', '1,5MB', '5%', '1e3', '12 parsecs', '1.5.2GB'])('rejects %j naming the input and the form', (raw) => {
    expect(() => parseSize(raw, 'input max-size')).toThrow(InputError);
    expect(() => parseSize(raw, 'input max-size')).toThrow(
      new RegExp(`^input max-size: expected a size such as 150MB, 1\\.5GiB or 2000000 \\(bytes\\); MB = 10\\^6 bytes, MiB = 2\\^20, got '${raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'$`),
    );
  });

  test('absurd sizes are refused rather than rounded', () => {
    expect(() => parseSize('99999999TB', 'input max-size')).toThrow(/too large/);
  });
});

describe('percent, ratio, count', () => {
  test('percent', () => {
    expect(parsePercent('5%', 'input max-growth')).toBe(5);
    expect(parsePercent(' 2.5 % ', 'x')).toBe(2.5);
    expect(() => parsePercent('5', 'input max-growth')).toThrow("input max-growth: expected a percentage such as 5%, got '5'");
    expect(() => parsePercent('-5%', 'x')).toThrow(InputError);
  });
  test('ratio accepts 95% and 0.95, refuses > 1', () => {
    expect(parseRatio('95%', 'x')).toBeCloseTo(0.95);
    expect(parseRatio('0.9', 'x')).toBe(0.9);
    expect(parseRatio('1', 'x')).toBe(1);
    expect(() => parseRatio('120%', 'input min-efficiency')).toThrow("input min-efficiency: expected a ratio such as 95% or 0.95, got '120%'");
    expect(() => parseRatio('1.5', 'x')).toThrow(InputError);
    expect(() => parseRatio('high', 'x')).toThrow(InputError);
  });
  test('count', () => {
    expect(parseCountValue('30', 'x')).toBe(30);
    expect(() => parseCountValue('3.5', 'input max-layers')).toThrow("input max-layers: expected a whole number such as 30, got '3.5'");
    expect(() => parseCountValue('-1', 'x')).toThrow(InputError);
  });
});

describe('formatting: decimal units, always with the unit', () => {
  test.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1.00 kB'],
    [3_145_728, '3.15 MB'],
    [38_100_000, '38.1 MB'],
    [212_400_000, '212.4 MB'],
    [999_999, '1.00 MB'],
    [1_070_000_000, '1.07 GB'],
    [-512, '-512 B'],
    [-4_000_000, '-4.00 MB'],
  ])('%d → %s', (n, s) => expect(formatBytes(n)).toBe(s));

  test('deltas carry a sign', () => {
    expect(formatDelta(38_100_000)).toBe('+38.1 MB');
    expect(formatDelta(-2_000)).toBe('-2.00 kB');
    expect(formatDelta(0)).toBe('±0 B');
    expect(formatPercentDelta(21.94)).toBe('+21.9 %');
    expect(formatPercentDelta(-3)).toBe('-3.0 %');
    expect(formatPercentDelta(0)).toBe('±0 %');
    expect(formatPercentDelta(0.01)).toBe('+<0.1 %');
    expect(formatPercentDelta(null)).toBe('new');
  });
});
