// Up-to-date skip benchmark (issue 9): the whole pipeline as a fresh runner, once as a fully cached build
// (skip-unchanged off) and once skipped (same inputs found in the cache repository). Last line: JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realPipelineIO } from '../src/pipeline/adapters.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { BRANCH_RUN, benchConfig, freshRunner, makeFixture, REGISTRY, type Engine } from './lib.js';

const engine: Engine = { name: 'classic store', host: '' };
const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-skip-'));
const cacheRepo = `${REGISTRY}/bench-skip-${Date.now().toString(36)}-buildcache`;

async function pipeline(skipUnchanged: boolean): Promise<{ seconds: number; skipped: boolean; executed: number }> {
  const config = { ...benchConfig(dir, cacheRepo, 'inline'), skipUnchanged };
  const io = realPipelineIO({ config, env: process.env, log: () => undefined, warn: (m) => console.error(`warning: ${m}`) });
  const started = Date.now();
  const { record } = await runPipeline(config, BRANCH_RUN, io);
  return { seconds: (Date.now() - started) / 1000, skipped: Boolean(record.upToDate), executed: record.totalSteps - record.cachedSteps };
}

try {
  makeFixture(dir, Number(process.env.BENCH_VENDOR_FILES ?? 240));
  freshRunner(engine);
  const cold = await pipeline(true);
  freshRunner(engine);
  const cached = await pipeline(false);
  freshRunner(engine);
  const skipped = await pipeline(true);
  if (!skipped.skipped) throw new Error('the third run was expected to find the image and skip the build');
  console.log('| Run (whole pipeline, fresh runner) | Seconds | Steps run |\n|---|--:|--:|');
  console.log(`| cold build | ${cold.seconds.toFixed(1)} | ${cold.executed} |`);
  console.log(`| fully cached build | ${cached.seconds.toFixed(1)} | ${cached.executed} |`);
  console.log(`| up to date: build skipped | ${skipped.seconds.toFixed(1)} | 0 |`);
  console.log(`skipped ÷ fully cached: ${(skipped.seconds / cached.seconds).toFixed(2)}×`);
  console.log(JSON.stringify({ cold, cached, skipped, skippedVsCached: skipped.seconds / cached.seconds }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
