import type { Baseline } from '../../../src/compare/types.js';
import type { BaselineKey } from '../../../src/baseline/types.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import type { Config } from '../../../src/config/types.js';
import type { RunContext } from '../../../src/core/run-context.js';
import type { ImageAnalysis } from '../../../src/image/types.js';
import { pushedByThisRun, pushedTwin } from '../../../src/pipeline/adapters.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { baselineBranch, runPipeline, type PipelineIO, type UpToDateCheck } from '../../../src/pipeline/run-pipeline.js';

const DOCKERFILE = 'FROM localhost:5000/base:1 AS deps\nRUN make deps\nFROM deps AS app\nCOPY . /app\n';

const config: Config = {
  mode: 'build', imageKey: 'app',
  build: { dockerfile: 'Dockerfile', context: '.', buildArgs: {}, secrets: [], platforms: [], noCache: false, tags: [], push: false, load: true },
  cache: { repo: 'localhost:5000/app-buildcache', mode: 'inline', fallbackScopes: [], writePrScope: false, maxSources: 20 },
  budget: [{ metric: 'compressed-size', limit: 1_000, level: 'fail', source: 'input max-size' }],
  topFiles: 5, comment: true, commentAuthor: 'github-actions[bot]', allowUntrustedBuild: false, skipUnchanged: true,
  cleanupIntermediateImages: false, reportPath: '/out/report.json', prune: { retention: '30d', dryRun: true },
};

const push: RunContext = {
  event: 'push', repository: 'acme/app', sha: 'a'.repeat(40), branch: 'main', defaultBranch: 'main',
  fork: false, actor: 'octocat', readOnly: false, canComment: true, untrustedHead: false,
};
const pr: RunContext = { ...push, event: 'pull_request', branch: 'feature', baseBranch: 'main', pr: { number: 7, baseRef: 'main', headRef: 'feature', headRepo: 'acme/app' } };

function image(compressed: number): ImageAnalysis {
  return {
    ref: 'sha256:img', compressedBytes: compressed, sizeBytes: compressed * 2, layerCount: 1, wastedBytes: 0, efficiency: 1, hints: [],
    layers: [{ index: 0, diffId: `sha256:${compressed}`, sizeBytes: compressed * 2, compressedBytes: compressed, compressedSource: 'manifest', instruction: 'COPY . /app', createdBy: 'COPY . /app', files: { added: 1, modified: 0, deleted: 0 }, topFiles: [], wastedBytes: 0 }],
  };
}

const record: BuildRecord = { stages: [], cacheSources: [], totalSteps: 2, cachedSteps: 1, cacheHitRatio: 0.5, seconds: 3, mode: 'inline', imageId: 'sha256:img', warnings: ['cache push of x failed'] };

function fakeIO(check: UpToDateCheck, baseline?: Baseline) {
  const calls: string[] = [];
  const saved: [BaselineKey, Baseline][] = [];
  const written: Record<string, string> = {};
  const io: PipelineIO = {
    readDockerfile: async () => DOCKERFILE,
    engineVersion: async () => '28.0.0',
    checkUpToDate: async () => (calls.push('check'), check),
    reuse: async (hit) => (calls.push(`reuse ${hit.ref}`), image(800)),
    build: async (req) => (calls.push(`build key=${req.contentKey} target=${req.graph.target}`), { ...record, warnings: [...record.warnings] }),
    analyze: async (ref) => (calls.push(`analyze ${ref}`), image(1_200)),
    findBaseline: async (key) => (calls.push(`baseline ${key.branch}`), { baseline, tried: [baseline ? 'actions-cache: hit' : 'actions-cache: miss'], warnings: [] }),
    saveBaseline: async (key, b) => void saved.push([key, b]),
    writeReport: async (path, json) => void (written[path] = json),
    log: () => undefined,
    warn: () => undefined,
  };
  return { io, calls, saved, written };
}

test('no up-to-date hit: builds with the content key, measures, compares with the base branch and fails the budget', async () => {
  const base: Baseline = { source: 'actions-cache', branch: 'main', analysis: image(900) };
  const { io, calls, saved, written } = fakeIO({ key: 'k1', warnings: ['base pinned'] }, base);
  const { report } = await runPipeline(config, pr, io);
  expect(calls).toEqual(['check', 'build key=k1 target=app', 'analyze sha256:img', 'baseline main']);
  expect(report.diff?.delta.compressedBytes).toBe(300);
  expect(report.verdict.status).toBe('fail');
  expect(report.warnings).toEqual(['base pinned', 'cache push of x failed']);
  expect(JSON.parse(written['/out/report.json']).imageKey).toBe('app');
  expect(saved).toEqual([]); // a PR never writes the baseline
});

test('an up-to-date hit skips the build and measures the existing image; branch runs save the baseline', async () => {
  const { io, calls, saved } = fakeIO({ key: 'k2', hit: { key: 'k2', ref: 'localhost:5000/app-buildcache@sha256:abc', seconds: 0.2 }, warnings: [] });
  const { report, record: rec } = await runPipeline(config, push, io);
  expect(calls).toEqual(['check', 'reuse localhost:5000/app-buildcache@sha256:abc', 'baseline main']);
  expect(rec.upToDate).toEqual({ key: 'k2', ref: 'localhost:5000/app-buildcache@sha256:abc' });
  expect(report.verdict.status).toBe('pass');
  expect(saved.map(([k, b]) => [k, b.commit])).toEqual([[{ imageKey: 'app', branch: 'main' }, 'a'.repeat(40)]]);
});

test('a reuse that fails (registry stalled) builds instead, with a warning', async () => {
  const { io, calls } = fakeIO({ key: 'k4', hit: { key: 'k4', ref: 'localhost:5000/app-buildcache@sha256:abc', seconds: 0.2 }, warnings: [] });
  io.reuse = async (hit) => {
    calls.push(`reuse ${hit.ref}`);
    throw new Error('registry localhost:5000: GET /v2/app-buildcache/blobs/sha256:… → 200: stalled: no bytes for 60 s');
  };
  const { report, record: rec } = await runPipeline(config, push, io);
  expect(calls).toEqual(['check', 'reuse localhost:5000/app-buildcache@sha256:abc', 'build key=k4 target=app', 'analyze sha256:img', 'baseline main']);
  expect(rec.upToDate).toBeUndefined();
  expect(report.warnings[0]).toBe(
    'could not reuse localhost:5000/app-buildcache@sha256:abc, building instead: registry localhost:5000: GET /v2/app-buildcache/blobs/sha256:… → 200: stalled: no bytes for 60 s',
  );
});

test('skip-unchanged off: no check, no key', async () => {
  const { io, calls } = fakeIO({ key: 'k3', warnings: [] });
  await runPipeline({ ...config, skipUnchanged: false }, push, io);
  expect(calls[0]).toBe('build key=undefined target=app');
});

test('the baseline branch is what the run merges into, else its own branch', () => {
  expect(baselineBranch(pr)).toBe('main');
  expect(baselineBranch({ ...push, branch: 'release' })).toBe('release');
  expect(baselineBranch({ ...push, branch: undefined, defaultBranch: 'trunk' })).toBe('trunk');
});

test('a cache ref this run pushed is not a baseline; one it left unchanged is', () => {
  const stage = (cacheWrite: 'pushed' | 'unchanged') => ({ ...record, stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, cacheRef: 'r:app--br-main', pushed: cacheWrite === 'pushed', cacheWrite, cacheFrom: [], stepDetails: [] }] });
  expect(pushedByThisRun(stage('pushed'), 'r:app--br-main')).toBe(true);
  expect(pushedByThisRun(stage('unchanged'), 'r:app--br-main')).toBe(false);
  expect(pushedByThisRun(undefined, 'r:app--br-main')).toBe(false);
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
