import type { BuildRecord } from '../../../src/buildx/types.js';
import { pushedByThisRun, pushedTwin, registryBaselineRef, upToDateRefs } from '../../../src/cache/targets.js';
import type { Config } from '../../../src/config/types.js';
import type { RunContext } from '../../../src/core/run-context.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';

const DOCKERFILE = 'FROM localhost:5000/base:1 AS deps\nRUN make deps\nFROM deps AS app\nCOPY . /app\n';
const graph = buildStageGraph(DOCKERFILE, { file: 'Dockerfile' });

const config: Config = {
  mode: 'build', imageKey: 'app',
  build: { dockerfile: 'Dockerfile', context: '.', buildArgs: {}, secrets: [], platforms: [], noCache: false, checks: false, tags: [], push: false, labels: {}, load: true },
  cache: { repo: 'r/c', mode: 'inline', fallbackScopes: [], writePrScope: false, maxSources: 20 },
  budget: [], topFiles: 5, comment: true, commentAuthor: 'github-actions[bot]', allowUntrustedBuild: false, skipUnchanged: true,
  cleanupIntermediateImages: false, reportPath: '/out/report.json', prune: { retention: '30d', dryRun: true },
};
const record: BuildRecord = { stages: [], cacheSources: [], totalSteps: 2, cachedSteps: 1, cacheHitRatio: 0.5, seconds: 3, mode: 'inline', imageId: 'sha256:img', warnings: [] };
const pr: RunContext = {
  event: 'pull_request', repository: 'acme/app', sha: 'a'.repeat(40), branch: 'feature', defaultBranch: 'main', baseBranch: 'main',
  pr: { number: 7, baseRef: 'main', headRef: 'feature', headRepo: 'acme/app' }, fork: false, actor: 'octocat', readOnly: false, canComment: true, untrustedHead: false,
};

test('a cache ref this run pushed is not a baseline; one it left unchanged is', () => {
  const stage = (cacheWrite: 'pushed' | 'unchanged') => ({ ...record, stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, cacheRef: 'r/c:app--br-main', pushed: cacheWrite === 'pushed', cacheWrite, cacheFrom: [], stepDetails: [] }] });
  expect(pushedByThisRun(stage('pushed'), 'r/c:app--br-main')).toBe(true);
  expect(pushedByThisRun(stage('unchanged'), 'r/c:app--br-main')).toBe(false);
  expect(pushedByThisRun(undefined, 'r/c:app--br-main')).toBe(false);
});

test('exact compressed sizes come from a pushed copy of the image: the final tag, else the target\'s inline cache image', () => {
  const graph = buildStageGraph(DOCKERFILE, { file: 'Dockerfile' });
  const withTarget = (cacheWrite: 'pushed' | 'unchanged' | 'failed', mode: 'inline' | 'registry' = 'inline'): BuildRecord => ({
    ...record, mode, digest: 'sha256:d',
    stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, cacheRef: 'r/c:app--br-main', pushed: cacheWrite === 'pushed', cacheWrite, cacheFrom: [], stepDetails: [] }],
  });
  expect(pushedTwin(config, graph, withTarget('pushed'))).toBe('r/c:app--br-main');
  expect(pushedTwin(config, graph, withTarget('unchanged'))).toBe('r/c:app--br-main');
  expect(pushedTwin(config, graph, withTarget('failed'))).toBeUndefined();
  expect(pushedTwin(config, graph, withTarget('pushed', 'registry'))).toBeUndefined(); // a cache manifest, not an image
  const pushing = { ...config, build: { ...config.build, push: true, tags: ['r/app:1'] } };
  expect(pushedTwin(pushing, graph, withTarget('failed', 'registry'))).toBe('r/app:1');
  expect(pushedTwin(config, graph, undefined)).toBeUndefined();
});

test('up-to-date lookups: the target cache image in each read scope (inline), then pushed tags; none from registry-mode or gha caches', () => {
  expect(upToDateRefs(config, graph, pr)).toEqual(['r/c:app--br-main']);
  const pushing = { ...config, build: { ...config.build, push: true, tags: ['r/app:pr-7'] } };
  expect(upToDateRefs({ ...pushing, cache: { ...config.cache, writePrScope: true } }, graph, pr)).toEqual(['r/c:app--pr-7', 'r/c:app--br-main', 'r/app:pr-7']);
  expect(upToDateRefs({ ...pushing, cache: { ...config.cache, mode: 'registry' } }, graph, pr)).toEqual(['r/app:pr-7']);
  expect(upToDateRefs({ ...pushing, cache: { ...config.cache, mode: 'gha' } }, graph, pr)).toEqual(['r/app:pr-7']);
});

test("the registry baseline is the branch's target cache image, unless this run just pushed it", () => {
  expect(registryBaselineRef(config, graph, 'main', record)).toBe('r/c:app--br-main');
  const own = { ...record, stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, cacheRef: 'r/c:app--br-main', pushed: true, cacheWrite: 'pushed' as const, cacheFrom: [], stepDetails: [] }] };
  expect(registryBaselineRef(config, graph, 'main', own)).toBeUndefined();
  expect(registryBaselineRef({ ...config, cache: { ...config.cache, repo: undefined } }, graph, 'main', record)).toBeUndefined();
  // Registry-mode tags are cache manifests; gha caches are not in the registry.
  expect(registryBaselineRef(config, graph, 'main', { ...record, mode: 'registry' })).toBeUndefined();
  expect(registryBaselineRef({ ...config, cache: { ...config.cache, mode: 'registry' } }, graph, 'main', undefined)).toBeUndefined();
  expect(registryBaselineRef({ ...config, cache: { ...config.cache, mode: 'gha' } }, graph, 'main', undefined)).toBeUndefined();
});
