import { readBudgetRules } from '../../../src/config/budget.js';
import { InputError } from '../../../src/core/errors.js';

const file = (text: string) => ({ path: '.github/layerwise.yml', text });
const rules = (inputs: Record<string, string>, text?: string, imageKey = 'app') =>
  readBudgetRules({ inputs, imageKey, file: text === undefined ? undefined : file(text) });
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('budget inputs', () => {
  test('no inputs, no file: no rules', () => expect(rules({})).toEqual([]));

  test('max-size is the compressed size; every input is a fail rule named by its input', () => {
    expect(rules({ maxSize: '150MB', maxUncompressedSize: '1.5GiB', maxLayers: '30', maxLayerSize: '100MB', maxWasted: '20MB', minEfficiency: '95%' })).toEqual([
      { metric: 'compressed-size', limit: 150_000_000, level: 'fail', source: 'input max-size' },
      { metric: 'size', limit: 1_610_612_736, level: 'fail', source: 'input max-uncompressed-size' },
      { metric: 'layers', limit: 30, level: 'fail', source: 'input max-layers' },
      { metric: 'wasted-bytes', limit: 20_000_000, level: 'fail', source: 'input max-wasted' },
      { metric: 'efficiency', limit: 0.95, level: 'fail', source: 'input min-efficiency' },
      { metric: 'largest-layer', limit: 100_000_000, level: 'fail', source: 'input max-layer-size' },
    ]);
  });

  test('max-growth takes bytes, percent, or both', () => {
    expect(rules({ maxGrowth: '10%' }).map((r) => [r.metric, r.limit])).toEqual([['growth-percent', 10]]);
    expect(rules({ maxGrowth: '5MB' }).map((r) => [r.metric, r.limit])).toEqual([['growth-bytes', 5_000_000]]);
    expect(rules({ maxGrowth: '5MB,10%' }).map((r) => [r.metric, r.limit])).toEqual([['growth-bytes', 5_000_000], ['growth-percent', 10]]);
    expect(rules({ maxGrowth: '10% 5MB' }).map((r) => r.metric)).toEqual(['growth-percent', 'growth-bytes']);
    expect(errorOf(() => rules({ maxGrowth: '5%,10%' }))).toBe(
      "input max-growth: expected a growth limit such as 10%, 5MB, or 5MB,10% (both must be exceeded), got '5%,10%'",
    );
  });

  test('max-wasted as a percent is an efficiency floor', () => {
    const [r] = rules({ maxWasted: '5%' });
    expect(r.metric).toBe('efficiency');
    expect(r.limit).toBeCloseTo(0.95);
  });

  test('bad values name the input, the value and the expected form', () => {
    expect(errorOf(() => rules({ maxSize: '150M' }))).toBe(
      "input max-size: expected a size such as 150MB, 1.5GiB or 2000000 (bytes); MB = 10^6 bytes, MiB = 2^20, got '150M'",
    );
    expect(errorOf(() => rules({ maxLayers: 'many' }))).toBe("input max-layers: expected a whole number such as 30, got 'many'");
    expect(errorOf(() => rules({ failOn: 'always' }))).toBe("input fail-on: expected one of fail, warn, never, got 'always'");
    expect(errorOf(() => rules({ maxSize: '1MB', maxCompressedSize: '2MB' }))).toMatch(/input max-size and input max-compressed-size set the same rule/);
  });

  test('CLI label', () => {
    expect(() => readBudgetRules({ inputs: { maxSize: 'big' }, imageKey: 'x', inputLabel: (n) => `--${n}` })).toThrow(/^--max-size: expected a size/);
  });

  test('fail-on warn promotes warnings; never demotes everything', () => {
    const text = 'defaults:\n  max-size: { warn: 100MB, fail: 200MB }\n';
    expect(rules({ failOn: 'warn' }, text).map((r) => r.level)).toEqual(['fail', 'fail']);
    expect(rules({ failOn: 'never' }, text).map((r) => r.level)).toEqual(['warn', 'warn']);
    expect(rules({}, text).map((r) => r.level)).toEqual(['warn', 'fail']);
  });
});

describe('budget file', () => {
  const text = [
    '# budgets per image',
    'defaults:',
    '  max-growth: 5MB, 10%',
    '  max-layers: 40',
    'images:',
    '  app:',
    '    max-size: { warn: 150MB, fail: 200MB }',
    '    max-layers:',
    '      warn: 25',
    '  worker:',
    '    max-size: 1GB',
    '',
  ].join('\n');

  test("the image's entry overrides defaults by rule name; sources carry file:line", () => {
    expect(rules({}, text)).toEqual([
      { metric: 'growth-bytes', limit: 5_000_000, level: 'fail', source: '.github/layerwise.yml:3' },
      { metric: 'growth-percent', limit: 10, level: 'fail', source: '.github/layerwise.yml:3' },
      { metric: 'layers', limit: 25, level: 'warn', source: '.github/layerwise.yml:9' },
      { metric: 'compressed-size', limit: 150_000_000, level: 'warn', source: '.github/layerwise.yml:7' },
      { metric: 'compressed-size', limit: 200_000_000, level: 'fail', source: '.github/layerwise.yml:7' },
    ]);
  });

  test('another image gets its own entry; an unknown image gets the defaults', () => {
    expect(rules({}, text, 'worker').map((r) => [r.metric, r.limit])).toEqual([
      ['growth-bytes', 5_000_000],
      ['growth-percent', 10],
      ['layers', 40],
      ['compressed-size', 1e9],
    ]);
    expect(rules({}, text, 'other').map((r) => r.metric)).toEqual(['growth-bytes', 'growth-percent', 'layers']);
  });

  test('inputs override the file for the same rule', () => {
    const r = rules({ maxSize: '300MB' }, text);
    expect(r.filter((x) => x.metric === 'compressed-size')).toEqual([
      { metric: 'compressed-size', limit: 300_000_000, level: 'fail', source: 'input max-size' },
    ]);
    expect(rules({ maxCompressedSize: '300MB' }, text).filter((x) => x.metric === 'compressed-size')).toHaveLength(1);
  });

  test('empty file and comment-only file set no rules', () => {
    expect(rules({}, '')).toEqual([]);
    expect(rules({}, '# nothing yet\n')).toEqual([]);
  });

  test.each([
    ['images:\n  app:\n    max-size: 150M\n', ".github/layerwise.yml:3: images.app.max-size: expected a size such as 150MB, 1.5GiB or 2000000 (bytes); MB = 10^6 bytes, MiB = 2^20, got '150M'"],
    ['images:\n  app:\n    max-size:\n      fail: 1MB\n      error: 2MB\n', ".github/layerwise.yml:5: images.app.max-size: unknown level 'error' (expected warn or fail)"],
    ['images:\n  app:\n    max-size:\n      warn: lots\n', ".github/layerwise.yml:4: images.app.max-size.warn: expected a size such as 150MB, 1.5GiB or 2000000 (bytes); MB = 10^6 bytes, MiB = 2^20, got 'lots'"],
    ['defaults:\n  max-sise: 1MB\n', ".github/layerwise.yml:2: defaults: unknown rule 'max-sise' (expected one of max-size, max-compressed-size, max-uncompressed-size, max-growth, max-layers, max-wasted, min-efficiency, max-layer-size)"],
    ['budgets:\n  app: {}\n', ".github/layerwise.yml:1: unknown key 'budgets' (expected defaults or images)"],
    ['images:\n  - app\n', '.github/layerwise.yml:2: images: expected a mapping of image keys to rules'],
    ['images:\n  app:\n    max-size: 1MB\n    max-size: 2MB\n', '.github/layerwise.yml:4: not valid YAML: Map keys must be unique'],
    ['defaults:\n  max-layers: [1\n', '.github/layerwise.yml:3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['defaults:\n  min-efficiency: 1.2\n', ".github/layerwise.yml:2: defaults.min-efficiency: expected a ratio such as 95% or 0.95, got '1.2'"],
    ['defaults:\n  max-layers:\n', '.github/layerwise.yml:2: defaults.max-layers: expected a value such as 150MB, 10% or 30'],
    ['- max-size: 1MB\n', '.github/layerwise.yml:1: the budget file: expected a mapping with `defaults` and/or `images`'],
    ['x: &a 1\n', ".github/layerwise.yml:1: unknown key 'x' (expected defaults or images)"],
    ['defaults: &d\n  max-layers: 3\nimages:\n  app: *d\n', '.github/layerwise.yml:4: images.app: aliases are not supported here'],
  ])('rejects %j with file:line', (yamlText, message) => {
    expect(errorOf(() => rules({}, yamlText))).toBe(message);
  });
});

describe('budget CLI flags', () => {
  test('flags with the input names become budget rules; errors name the flag', async () => {
    const { cliConfig } = await import('../../../src/cli/shared.js');
    const io = { cwd: '/nowhere', env: {} };
    const { config } = cliConfig('analyze', ['img', '--max-size', '200MB', '--max-growth', '5%', '--fail-on', 'warn'], io);
    expect(config.budget.map((r) => [r.metric, r.level, r.source])).toEqual([
      ['compressed-size', 'fail', 'layerwise analyze --max-size'],
      ['growth-percent', 'fail', 'layerwise analyze --max-growth'],
    ]);
    expect(() => cliConfig('analyze', ['--max-layers', 'lots'], io)).toThrow("layerwise analyze --max-layers: expected a whole number such as 30, got 'lots'");
  });
});
