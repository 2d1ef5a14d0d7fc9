// Up-to-date skip benchmark (issue 9): the whole pipeline as a fresh runner, once as a fully cached build
// (skip-unchanged off) and once skipped (same inputs found), in each cache mode the bed can run: inline on the
// classic store (the target's cache image), registry and gha on the containerd store (the stored result: an
// artifact in the cache repository, an entry in a local Actions cache service). Last line: JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCacheService } from '../__tests__/helpers/cache-service.js';
import { realPipelineIO } from '../src/pipeline/adapters.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { actionsCacheResultStore } from '../src/uptodate/actions-cache-results.js';
import { BRANCH_RUN, benchConfig, FIXTURE, freshRunner, githubRef, makeFixture, REGISTRY, type Engine } from './lib.js';

type Mode = 'inline' | 'registry' | 'gha';
const runs: { engine: Engine; mode: Mode }[] = [{ engine: { name: 'classic store', host: '' }, mode: 'inline' }];
const ctrd = process.env.LAYERWISE_CTRD_HOST;
if (ctrd) runs.push({ engine: { name: 'containerd store', host: ctrd }, mode: 'registry' }, { engine: { name: 'containerd store', host: ctrd }, mode: 'gha' });
// BENCH_SKIP_MODES=inline,gha measures only those.
const onlyModes = process.env.BENCH_SKIP_MODES?.split(',');
const selected = runs.filter((r) => !onlyModes || onlyModes.includes(r.mode));
const FILES = Number(process.env.BENCH_VENDOR_FILES ?? 240);
const ghaService = selected.some((r) => r.mode === 'gha') ? await startCacheService() : undefined;
if (ghaService) {
  // The default branch's runner: @actions/cache and BuildKit read the service's address and token from here.
  ghaService.state.writeScope = githubRef('main');
  ghaService.state.readScopes = [githubRef('main')];
  Object.assign(process.env, ghaService.env);
}

interface Result { seconds: number; skipped: boolean; executed: number }

async function measureMode(engine: Engine, mode: Mode): Promise<{ cold: Result; cached: Result; skipped: Result }> {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-skip-'));
  const resultDir = mkdtempSync(join(tmpdir(), 'layerwise-bench-results-'));
  const id = `bench-skip-${Date.now().toString(36)}-${mode}`;
  const cacheRepo = mode === 'gha' ? undefined : `${REGISTRY}/${id}-buildcache`;
  const env = { ...process.env, ...(engine.host ? { DOCKER_HOST: engine.host } : {}) };
  async function pipeline(skipUnchanged: boolean): Promise<Result> {
    freshRunner(engine);
    const config = { ...benchConfig(dir, cacheRepo, mode, id), skipUnchanged };
    const io = realPipelineIO({
      config, env, log: process.env.BENCH_LOG ? (l) => console.error(l) : () => undefined, warn: (m) => console.error(`warning: ${m}`),
      ...(mode === 'gha' ? { actionsResultStore: actionsCacheResultStore({ dir: resultDir, imageKey: id }) } : {}),
    });
    const started = Date.now();
    const { record } = await runPipeline(config, BRANCH_RUN, io);
    return { seconds: (Date.now() - started) / 1000, skipped: Boolean(record.upToDate), executed: record.totalSteps - record.cachedSteps };
  }
  try {
    makeFixture(dir, FILES);
    const cold = await pipeline(true);
    const cached = await pipeline(false);
    const skipped = await pipeline(true);
    if (!skipped.skipped) throw new Error(`${mode} mode: the third run was expected to find the stored result and skip the build`);
    return { cold, cached, skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(resultDir, { recursive: true, force: true });
  }
}

const rows = [];
console.log('| Engine | Cache mode | cold build | fully cached build (skip off) | build skipped | skipped ÷ cached |\n|---|---|--:|--:|--:|--:|');
for (const { engine, mode } of selected) {
  const r = await measureMode(engine, mode);
  const ratio = r.skipped.seconds / r.cached.seconds;
  rows.push({ engine: engine.name, mode, ...r, skippedVsCached: ratio });
  console.log(
    `| ${engine.name} | ${mode} | ${r.cold.seconds.toFixed(1)} s (${r.cold.executed} steps run) | ${r.cached.seconds.toFixed(1)} s (${r.cached.executed}) | ` +
      `${r.skipped.seconds.toFixed(2)} s | ${ratio.toFixed(3)}× |`,
  );
}
await ghaService?.close();
console.log(JSON.stringify({ fixture: FIXTURE, vendorFiles: FILES, rows }));
