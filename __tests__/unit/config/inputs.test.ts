import { readActionConfig, defaultCacheRepo, splitList, splitLines } from '../../../src/config/inputs.js';
import { InputError } from '../../../src/core/errors.js';

function getter(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? '';
}

describe('readActionConfig', () => {
  test('defaults when nothing is set', () => {
    const c = readActionConfig({ get: getter({}), env: { RUNNER_TEMP: '/runner/tmp' } });
    expect(c.mode).toBe('build');
    expect(c.build).toEqual({
      dockerfile: 'Dockerfile', context: '.', target: undefined, buildArgs: {}, secrets: [], platforms: [],
      noCache: false, builder: undefined, tags: [], push: false, load: true,
    });
    expect(c.cache).toEqual({ repo: undefined, mode: 'auto', scope: undefined, fallbackScopes: [], writePrScope: false, maxSources: 20 });
    expect(c.imageKey).toBe('Dockerfile');
    expect(c.reportPath).toBe('/runner/tmp/layerwise-report.json');
    expect(c.comment).toBe(true);
    expect(c.skipUnchanged).toBe(true);
    expect(c.allowUntrustedBuild).toBe(false);
  });

  test('reads lists, key=value lines and derives the cache repo from the first tag', () => {
    const c = readActionConfig({
      get: getter({
        tags: 'ghcr.io/Acme/App:1.2, ghcr.io/acme/app:latest',
        'build-args': 'GO_VERSION=1.22\nLDFLAGS=-s -w,extra\n# a comment\n',
        platforms: 'linux/amd64\nlinux/arm64',
        target: 'runtime',
        'cache-mode': 'Inline',
        push: 'true',
      }),
      env: {},
    });
    expect(c.build.tags).toEqual(['ghcr.io/Acme/App:1.2', 'ghcr.io/acme/app:latest']);
    expect(c.build.buildArgs).toEqual({ GO_VERSION: '1.22', LDFLAGS: '-s -w,extra' });
    expect(c.build.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(c.cache.repo).toBe('ghcr.io/acme/app-buildcache');
    expect(c.cache.mode).toBe('inline');
    expect(c.imageKey).toBe('runtime');
    expect(c.build.push).toBe(true);
  });

  test.each([
    ['push', 'maybe', "input push: expected true or false, got 'maybe'"],
    ['cache-mode', 'gha', "input cache-mode: expected one of auto, inline, registry, got 'gha'"],
    ['mode', 'deploy', "input mode: expected one of build, report, prune, got 'deploy'"],
    ['cache-max-sources', '0', "input cache-max-sources: expected a whole number ≥ 1, got '0'"],
    ['top-files', 'ten', "input top-files: expected a whole number from 1 to 100, got 'ten'"],
    // A report holds at most 100 files per layer (report mode refuses more): refused here, not at posting time.
    ['top-files', '150', "input top-files: expected a whole number from 1 to 100, got '150'"],
    ['build-args', 'NOVALUE', "input build-args: expected KEY=VALUE, got 'NOVALUE'"],
  ])('bad %s=%s is one clear line', (name, value, message) => {
    const read = () => readActionConfig({ get: getter({ [name]: value }), env: {} });
    expect(read).toThrow(InputError);
    expect(read).toThrow(message);
  });
});

describe('helpers', () => {
  test('defaultCacheRepo keeps the registry port and drops tag and digest', () => {
    expect(defaultCacheRepo(['localhost:5000/team/app:pr-1'])).toBe('localhost:5000/team/app-buildcache');
    expect(defaultCacheRepo(['localhost:5000/app@sha256:abc'])).toBe('localhost:5000/app-buildcache');
    expect(defaultCacheRepo(['app'])).toBe('app-buildcache');
    expect(defaultCacheRepo([])).toBeUndefined();
  });
  test('splitList and splitLines', () => {
    expect(splitList(' a, b\n\nc ,')).toEqual(['a', 'b', 'c']);
    expect(splitLines('A=1,2\n\n B=3 \n#x')).toEqual(['A=1,2', 'B=3']);
  });
});
