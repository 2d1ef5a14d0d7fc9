import { readActionConfig } from '../../../src/config/action.js';
import { splitList, splitLines } from '../../../src/config/values.js';
import { InputError } from '../../../src/core/errors.js';

function getter(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? '';
}
const read = (inputs: Record<string, string>, env: Record<string, string> = {}, files: Record<string, string> = {}) =>
  readActionConfig({ get: getter(inputs), env, readText: (p) => files[p] });

describe('readActionConfig', () => {
  test('defaults when nothing is set', () => {
    const c = read({}, { RUNNER_TEMP: '/runner/tmp' });
    expect(c.mode).toBe('build');
    expect(c.build).toEqual({
      dockerfile: 'Dockerfile', context: '.', target: undefined, buildArgs: {}, secrets: [], platforms: [],
      noCache: false, checks: false, builder: undefined, tags: [], push: false, labels: {}, load: true,
    });
    expect(c.cache).toEqual({ repo: undefined, mode: 'auto', scope: undefined, fallbackScopes: [], writePrScope: false, maxSources: 20 });
    expect(c.imageKey).toBe('Dockerfile');
    expect(c.reportPath).toBe('/runner/tmp/layerwise-report.json');
    expect(c.comment).toBe(true);
    expect(c.commentAuthor).toBe('github-actions[bot]');
    expect(c.githubToken).toBeUndefined();
    expect(c.skipUnchanged).toBe(true);
    expect(c.allowUntrustedBuild).toBe(false);
    expect(c.topFiles).toBe(10);
    expect(c.budget).toEqual([]);
    expect(c.prune).toEqual({ retention: '30d', dryRun: false });
  });

  test('the Dockerfile defaults to <context>/Dockerfile, as docker build and build-push-action do', () => {
    const c = read({ context: 'services/api' });
    expect(c.build.dockerfile).toBe('services/api/Dockerfile');
    expect(c.imageKey).toBe('services/api/Dockerfile');
    expect(read({ context: 'services/api', dockerfile: 'docker/api.Dockerfile' }).build.dockerfile).toBe('docker/api.Dockerfile');
  });

  test('reads lists, key=value lines and derives the cache repo from the first tag', () => {
    const c = read(
      {
        tags: 'ghcr.io/Acme/App:1.2, ghcr.io/acme/app:latest',
        'build-args': 'GO_VERSION=1.22\nLDFLAGS=-s -w,extra\n# a comment\nFROM_ENV\nUNSET_ONE\n',
        labels: 'org.opencontainers.image.source=https://github.com/acme/app',
        platforms: 'linux/amd64\nlinux/arm64',
        target: 'runtime',
        'cache-mode': 'Inline',
        push: 'true',
      },
      { FROM_ENV: 'yes' },
    );
    expect(c.build.tags).toEqual(['ghcr.io/Acme/App:1.2', 'ghcr.io/acme/app:latest']);
    expect(c.build.buildArgs).toEqual({ GO_VERSION: '1.22', LDFLAGS: '-s -w,extra', FROM_ENV: 'yes' });
    expect(c.build.labels).toEqual({ 'org.opencontainers.image.source': 'https://github.com/acme/app' });
    expect(c.build.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(c.cache.repo).toBe('ghcr.io/acme/app-buildcache');
    expect(c.cache.mode).toBe('inline');
    expect(c.imageKey).toBe('runtime');
    expect(c.build.push).toBe(true);
  });

  test('budgets come from the inputs over the budget file; a named missing file is an error', () => {
    const file = 'images:\n  web:\n    max-layers: 30\n    max-size: 1GB\n';
    const c = read({ 'image-key': 'web', 'max-size': '200MB' }, {}, { '.github/layerwise.yml': file });
    expect(c.budget.map((r) => [r.metric, r.limit, r.source])).toEqual([
      ['layers', 30, '.github/layerwise.yml:3'],
      ['compressed-size', 200_000_000, 'input max-size'],
    ]);
    expect(() => read({ 'budget-file': 'ci/budget.yml' })).toThrow("input budget-file: 'ci/budget.yml' does not exist");
  });

  test.each([
    ['push', 'maybe', "input push: expected true or false, got 'maybe'"],
    ['cache-mode', 'ghcr', "input cache-mode: expected one of auto, inline, registry, gha, got 'ghcr'"],
    ['mode', 'deploy', "input mode: expected one of build, report, prune, got 'deploy'"],
    ['cache-max-sources', '0', "input cache-max-sources: expected a whole number ≥ 1, got '0'"],
    ['top-files', 'ten', "input top-files: expected a whole number from 0 to 100, got 'ten'"],
    ['top-files', '150', "input top-files: expected a whole number from 0 to 100, got '150'"],
    ['build-args', 'NO VALUE', "input build-args: expected KEY=VALUE, got 'NO VALUE'"],
    ['cache-repo', 'ghcr.io/acme/app:latest', 'input cache-repo: expected a repository without tag or digest'],
    ['max-size', 'big', "input max-size: expected a size such as 150MB"],
  ])('bad %s=%s is one clear line', (name, value, message) => {
    expect(() => read({ [name]: value })).toThrow(InputError);
    expect(() => read({ [name]: value })).toThrow(message);
  });
});

describe('helpers', () => {
  test('splitList and splitLines', () => {
    expect(splitList(' a, b\n\nc ,')).toEqual(['a', 'b', 'c']);
    expect(splitLines('A=1,2\n\n B=3 \n#x')).toEqual(['A=1,2', 'B=3']);
  });
});
