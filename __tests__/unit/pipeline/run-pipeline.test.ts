import type { Baseline } from '../../../src/compare/types.js';
import type { BaselineKey } from '../../../src/baseline/types.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import type { Config } from '../../../src/config/types.js';
import type { RunContext } from '../../../src/core/run-context.js';
import type { ImageAnalysis } from '../../../src/image/types.js';
import { baselineBranch, runPipeline, type PipelineIO, type UpToDateCheck } from '../../../src/pipeline/run-pipeline.js';

const DOCKERFILE = 'FROM localhost:5000/base:1 AS deps\nRUN make deps\nFROM deps AS app\nCOPY . /app\n';

const config: Config = {
  mode: 'build', imageKey: 'app',
  build: { dockerfile: 'Dockerfile', context: '.', buildArgs: {}, secrets: [], platforms: [], noCache: false, checks: false, tags: [], push: false, labels: {}, load: true },
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
  const published: string[] = [];
  const saved: [BaselineKey, Baseline][] = [];
  const written: Record<string, string> = {};
  const io: PipelineIO = {
    readDockerfile: async () => DOCKERFILE,
    engineVersion: async () => '28.0.0',
    checkUpToDate: async (req) => (calls.push(`check ${req.lookupRefs.join(' ')} images=${req.dockerfile.externalImages.join(' ')}`), check),
    retag: async (hit) => void calls.push(`retag ${hit.ref}`),
    build: async (req) => (calls.push(`build key=${req.contentKey} target=${req.graph.target}`), { ...record, warnings: [...record.warnings] }),
    analyze: async (req) => (calls.push(`analyze ${req.source} ${req.ref}`), image(req.source === 'registry' ? 800 : 1_200)),
    findBaseline: async (key, opts) => (
      calls.push(`baseline ${key.branch} registry=${opts.registryRef} current=${opts.current.compressedBytes}`),
      { baseline, tried: [baseline ? 'actions-cache: hit' : 'actions-cache: miss'], warnings: [] }
    ),
    saveBaseline: async (key, b) => void saved.push([key, b]),
    writeReport: async (path, json) => void (calls.push('write report'), (written[path] = json)),
    publish: async ({ report, markdown }) => void (calls.push('publish'), published.push(`${report.verdict.status}: ${markdown.split('\n')[0]}`)),
    log: () => undefined,
    warn: () => undefined,
  };
  return { io, calls, saved, written, published };
}

test('no up-to-date hit: builds with the content key, measures, compares with the base branch and fails the budget', async () => {
  const base: Baseline = { source: 'actions-cache', branch: 'main', analysis: image(900) };
  const { io, calls, saved, written, published } = fakeIO({ key: 'k1', warnings: ['base pinned'] }, base);
  const { report } = await runPipeline(config, pr, io);
  expect(calls).toEqual([
    'check localhost:5000/app-buildcache:app--br-main images=localhost:5000/base:1',
    'build key=k1 target=app',
    'analyze daemon sha256:img',
    'baseline main registry=localhost:5000/app-buildcache:app--br-main current=1200',
    'write report',
    'publish',
  ]);
  expect(published).toEqual([expect.stringMatching(/^fail: /)]);
  expect(report.diff?.delta.compressedBytes).toBe(300);
  expect(report.verdict.status).toBe('fail');
  expect(report.warnings).toEqual(['base pinned', 'cache push of x failed']);
  expect(JSON.parse(written['/out/report.json']).imageKey).toBe('app');
  expect(saved).toEqual([]); // a PR never writes the baseline
});

test('an up-to-date hit skips the build and measures the existing image; branch runs save the baseline', async () => {
  const { io, calls, saved } = fakeIO({ key: 'k2', hit: { key: 'k2', ref: 'localhost:5000/app-buildcache@sha256:abc', seconds: 0.2 }, warnings: [] });
  const { report, record: rec } = await runPipeline(config, push, io);
  expect(calls).toEqual([
    'check localhost:5000/app-buildcache:app--br-main images=localhost:5000/base:1',
    'retag localhost:5000/app-buildcache@sha256:abc',
    'analyze registry localhost:5000/app-buildcache@sha256:abc',
    'baseline main registry=localhost:5000/app-buildcache:app--br-main current=800',
    'write report',
    'publish',
  ]);
  expect(rec.upToDate).toEqual({ key: 'k2', ref: 'localhost:5000/app-buildcache@sha256:abc' });
  expect(report.verdict.status).toBe('pass');
  expect(saved.map(([k, b]) => [k, b.commit])).toEqual([[{ imageKey: 'app', branch: 'main' }, 'a'.repeat(40)]]);
});

test('skip-unchanged off, or no-cache asked for: no check, no key, every step built', async () => {
  for (const c of [{ ...config, skipUnchanged: false }, { ...config, build: { ...config.build, noCache: true } }]) {
    const { io, calls } = fakeIO({ key: 'k3', hit: { key: 'k3', ref: 'r@sha256:abc', seconds: 0.1 }, warnings: [] });
    await runPipeline(c, push, io);
    expect(calls[0]).toBe('build key=undefined target=app');
  }
});

test('a branch run that pushed its own scope does not take that ref as its baseline', async () => {
  const { io, calls } = fakeIO({ warnings: [] });
  const pushedOwn: BuildRecord = {
    ...record,
    stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, cacheRef: 'localhost:5000/app-buildcache:app--br-main', pushed: true, cacheWrite: 'pushed', cacheFrom: [], stepDetails: [] }],
  };
  io.build = async () => pushedOwn;
  await runPipeline(config, push, io);
  expect(calls).toContain('baseline main registry=undefined current=1200');
});

test('values of build args named like secrets reach no report, comment or baseline', async () => {
  const secret = { ...config, build: { ...config.build, buildArgs: { NPM_TOKEN: 'hunter2', VERSION: '1.2.3' } } };
  const { io, saved, written, published } = fakeIO({ warnings: [] });
  io.build = async () => ({
    ...record,
    warnings: ['step RUN npm ci --token hunter2 printed a warning'],
    stages: [{ name: 'app', steps: 1, cachedSteps: 0, seconds: 1, pushed: false, cacheFrom: [], stepDetails: [{ stage: 'app', instruction: 'RUN echo hunter2 1.2.3', cached: false, seconds: 1 }] }],
  });
  io.analyze = async () => ({ ...image(1_200), layers: image(1_200).layers.map((l) => ({ ...l, createdBy: 'RUN |2 NPM_TOKEN=hunter2 VERSION=1.2.3 /bin/sh -c npm ci' })) });
  await runPipeline(secret, push, io);
  const everything = JSON.stringify([written, published, saved]);
  expect(everything).not.toContain('hunter2');
  expect(everything).toContain('NPM_TOKEN=*** VERSION=1.2.3');
  expect(everything).toContain('RUN echo *** 1.2.3');
});

test('a reuse that fails (registry stalled) builds instead, with a warning', async () => {
  const { io, calls } = fakeIO({ key: 'k4', hit: { key: 'k4', ref: 'localhost:5000/app-buildcache@sha256:abc', seconds: 0.2 }, warnings: [] });
  const analyze = io.analyze;
  io.analyze = async (req) => {
    if (req.source === 'registry') {
      calls.push(`analyze registry ${req.ref}`);
      throw new Error('registry localhost:5000: GET /v2/app-buildcache/blobs/sha256:… → 200: stalled: no bytes for 60 s');
    }
    return analyze(req);
  };
  const { report, record: rec } = await runPipeline(config, push, io);
  expect(calls.slice(0, 5)).toEqual([
    'check localhost:5000/app-buildcache:app--br-main images=localhost:5000/base:1',
    'retag localhost:5000/app-buildcache@sha256:abc',
    'analyze registry localhost:5000/app-buildcache@sha256:abc',
    'build key=k4 target=app',
    'analyze daemon sha256:img',
  ]);
  expect(rec.upToDate).toBeUndefined();
  expect(report.warnings[0]).toBe(
    'could not reuse localhost:5000/app-buildcache@sha256:abc, building instead: registry localhost:5000: GET /v2/app-buildcache/blobs/sha256:… → 200: stalled: no bytes for 60 s',
  );
});

test('the baseline branch is what the run merges into, else its own branch', () => {
  expect(baselineBranch(pr)).toBe('main');
  expect(baselineBranch({ ...push, branch: 'release' })).toBe('release');
  expect(baselineBranch({ ...push, branch: undefined, defaultBranch: 'trunk' })).toBe('trunk');
});


describe('results stored by content key (gha and registry-mode caches carry no image with the key)', () => {
  const stored = { contentKey: 'k5', analysis: image(700), imageId: `sha256:${'1'.repeat(64)}`, digest: `sha256:${'2'.repeat(64)}`, savedAt: '2026-12-01T10:00:00.000Z' };
  const gha: BuildRecord = { ...record, mode: 'gha', cachePolicy: { readScopes: ['br-main'], writeScope: 'br-main', reason: 'branch main' } };

  test('a stored hit skips the build and reports the stored measurement: no image to tag, none to analyse', async () => {
    const { io, calls } = fakeIO({ key: 'k5', hit: { key: 'k5', ref: 'Actions cache entry layerwise-result-v1-app-k5', seconds: 0.1, stored }, warnings: [] });
    const { report, record: rec } = await runPipeline(config, push, io);
    expect(calls.filter((c) => /^(retag|analyze|build)/.test(c))).toEqual([]);
    expect(report.image.compressedBytes).toBe(700);
    expect(rec).toMatchObject({ totalSteps: 0, digest: stored.digest, imageId: stored.imageId, upToDate: { key: 'k5', ref: 'Actions cache entry layerwise-result-v1-app-k5', stored: true } });
  });

  test('a miss that builds without pushing stores its result when it may write caches, in the mode it built with', async () => {
    const runs: [RunContext, BuildRecord, Config, string[]][] = [
      [push, gha, config, ['gha k6 sha256:img']],
      [push, { ...gha, mode: 'registry' }, config, ['registry k6 sha256:img']],
      [push, record, config, []], // inline: the target's cache image carries the key
      [pr, { ...gha, cachePolicy: { readScopes: ['br-main'], reason: 'pull request' } }, config, []], // writes no cache: stores nothing
      [push, gha, { ...config, build: { ...config.build, push: true, tags: ['r/app:1'] } }, []], // the pushed image carries the key
    ];
    for (const [ctx, built, c, expected] of runs) {
      const { io } = fakeIO({ key: 'k6', warnings: [] });
      const saves: string[] = [];
      io.build = async () => built;
      io.saveResult = async (result, mode) => void saves.push(`${mode} ${result.contentKey} ${result.imageId}`);
      await runPipeline(c, ctx, io);
      expect(saves).toEqual(expected);
    }
  });
});
