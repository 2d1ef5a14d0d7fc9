import { parseBuildFlags, renderSummary } from '../../../src/cli/build.js';
import { InputError } from '../../../src/core/errors.js';
import type { BuildRecord } from '../../../src/buildx/types.js';

const io = { cwd: '/work/app', env: {} };

describe('layerwise build flags', () => {
  test('flags become a typed config; paths resolve against the working directory', () => {
    const opts = parseBuildFlags(
      ['--context', 'svc', '--cache-repo', 'GHCR.io/Acme/App-cache', '--scope', 'br-main', '--fallback-scope', 'br-dev', '--mode', 'inline',
        '--build-arg', 'A=1', '-t', 'ghcr.io/acme/app:pr', '--push', '--read-only', '--json', 'out.json', '--label', 'team=core'],
      io,
    );
    if (opts === 'help') throw new Error('unexpected help');
    expect(opts.config.build).toMatchObject({ context: '/work/app/svc', dockerfile: '/work/app/svc/Dockerfile', buildArgs: { A: '1' }, tags: ['ghcr.io/acme/app:pr'], push: true, load: true, labels: { team: 'core' } });
    expect(opts.config.cache).toMatchObject({ repo: 'ghcr.io/acme/app-cache', mode: 'inline', scope: 'br-main', fallbackScopes: ['br-dev'], maxSources: 20 });
    expect(opts.ctx.readOnly).toBe(true);
    expect(opts.json).toBe('out.json');
  });

  test('the cache repository defaults to the first tag plus -buildcache', () => {
    const opts = parseBuildFlags(['-t', 'localhost:5000/team/app:1'], io);
    expect(opts !== 'help' && opts.config.cache.repo).toBe('localhost:5000/team/app-buildcache');
  });

  test.each([
    [['--mode', 'max'], /^layerwise build --mode: expected one of auto, inline, registry, gha, got 'max'$/],
    [['--max-sources', '0'], /^layerwise build --max-sources: expected a whole number ≥ 1, got '0'$/],
    [['--cache-repo', 'ghcr.io/acme/app:latest'], /^layerwise build --cache-repo: expected a repository without tag or digest/],
    [['--build-arg', 'NO VALUE'], /^layerwise build --build-arg: expected KEY=VALUE, got 'NO VALUE'$/],
    [['--bogus'], /layerwise build: Unknown option '--bogus'/],
    [['ctx'], /unexpected argument 'ctx'/],
  ])('%j is refused in one line naming the flag', (argv, message) => {
    expect(() => parseBuildFlags(argv as string[], io)).toThrow(InputError);
    expect(() => parseBuildFlags(argv as string[], io)).toThrow(message);
  });
});

test('summary: one line per stage with its cache ref and what happened to it', () => {
  const record: BuildRecord = {
    stages: [
      { name: 'deps', steps: 1, cachedSteps: 1, seconds: 0, cacheRef: 'r:deps--br-main', pushed: false, cacheWrite: 'unchanged', cacheFrom: [], stepDetails: [] },
      { name: 'build', steps: 3, cachedSteps: 1, seconds: 1.6, pushed: false, cacheWrite: 'failed', cacheFrom: [], stepDetails: [] },
    ],
    cacheSources: [], totalSteps: 4, cachedSteps: 2, cacheHitRatio: 0.5, seconds: 6.2, mode: 'inline', imageId: 'sha256:abc',
    warnings: ['stage build: pushing r:build--br-main failed (denied); the build goes on without it'],
  };
  expect(renderSummary(record).split('\n')).toEqual([
    'layerwise build: 2/4 Dockerfile steps cached (50%), 6.2s, inline cache',
    '  stage  steps  cached  seconds  cache',
    '  deps       1       1      0.0  r:deps--br-main (unchanged)',
    '  build      3       1      1.6  write failed',
    '  image sha256:abc',
    'warning: stage build: pushing r:build--br-main failed (denied); the build goes on without it',
  ]);
});
