// Benchmark building blocks: a fixture copy with generated sources, "fresh runner" resets, and the three
// ways to build it — plain, naive `--cache-from <final image>`, and layerwise's per-stage caches.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { buildWithStageCaches } from '../src/buildx/build.js';
import { RawJsonProgress } from '../src/buildx/progress.js';
import { summarizeVertices } from '../src/buildx/steps.js';
import type { Config } from '../src/config/types.js';
import { buildStageGraph } from '../src/dockerfile/graph.js';
import type { RunContext } from '../src/core/run-context.js';

export interface Engine {
  name: string;
  /** DOCKER_HOST for this engine ('' for the default). */
  host: string;
}

export interface BuildResult {
  seconds: number;
  steps: number;
  executed: number;
  cached: number;
}

export const REGISTRY = process.env.LAYERWISE_REGISTRY ?? 'localhost:5000';

function env(engine: Engine): NodeJS.ProcessEnv {
  return engine.host ? { ...process.env, DOCKER_HOST: engine.host } : { ...process.env };
}

export function docker(engine: Engine, args: string[]): string {
  return execFileSync('docker', args, { env: env(engine), encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** C source with `fns` functions whose -O2 compile takes measurable time (about 6 ms a function here). */
function unitSource(name: string, seed: number, fns: number): string {
  const bodies: string[] = [];
  for (let j = 0; j < fns; j++) {
    bodies.push(`static unsigned long f${j}(unsigned long x) {
  unsigned long acc = x;
  for (int k = 0; k < 64; k++) { acc = acc * 6364136223846793005UL + ${seed * 97 + j}UL; acc ^= acc >> ${(j % 13) + 7}; }
  switch (acc % 8) { case 0: acc += 1; break; case 1: acc *= 3; break; case 2: acc ^= 0x5bd1e995; break;
    case 3: acc -= 7; break; case 4: acc <<= 1; break; case 5: acc >>= 1; break; default: acc += x; }
  return acc;
}`);
  }
  const calls = Array.from({ length: fns }, (_, j) => `f${j}(x + ${j})`).join(' ^ ');
  return `${bodies.join('\n')}\nunsigned long ${name}(unsigned long x) { return ${calls}; }\n`;
}

/**
 * The fixture the cache and skip benchmarks build (BENCH_FIXTURE): `chain`, one dependency stage, a build stage
 * and a runtime (the README's first tables); `app`, two independent dependency stages feeding the build stage,
 * a test stage the release target does not need, then the runtime.
 */
export const FIXTURE = process.env.BENCH_FIXTURE === 'app' ? 'fixture-app' : 'fixture';

/**
 * Copies the fixture and generates its sources: `vendorFiles` library files for the dependency stage (the
 * expensive part) and a small application in src/. deps.txt starts with a comment naming this copy, so no
 * two copies share a dependency stage: `builder prune -af` leaves the engine's cache keys behind (containerd
 * store, measured: the next `mode=max` export carried a pruned build's records), and a fresh runner must not
 * find an earlier strategy's or repeat's results through them.
 */
export function makeFixture(dir: string, vendorFiles: number): void {
  // Run from the repository root (npm run bench): the bundle itself lives elsewhere.
  cpSync(join(process.cwd(), 'bench', FIXTURE), dir, { recursive: true });
  const deps = join(dir, 'deps.txt');
  writeFileSync(deps, `# fixture copy ${randomUUID()}\n${readFileSync(deps, 'utf8')}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const vendor: string[] = [];
  for (let i = 0; i < vendorFiles; i++) {
    vendor.push(`vendor${i}`);
    writeFileSync(join(dir, 'vendor', `unit${String(i).padStart(3, '0')}.c`), unitSource(`vendor${i}`, i, 48));
  }
  const app: string[] = [];
  for (let i = 0; i < 8; i++) {
    app.push(`app${i}`);
    writeFileSync(join(dir, 'src', `app${String(i).padStart(3, '0')}.c`), unitSource(`app${i}`, 1000 + i, 12));
  }
  const all = [...vendor, ...app];
  writeFileSync(
    join(dir, 'src', 'main.c'),
    `#include <stdio.h>\n#ifdef WITH_TABLE\n#include "table.h"\n#endif\n${all.map((c) => `unsigned long ${c}(unsigned long);`).join('\n')}\n` +
      `int main(void) { unsigned long s = 0; ${all.map((c) => `s ^= ${c}(s);`).join(' ')}\n` +
      `#ifdef WITH_TABLE\n  for (int i = 0; i < TABLE_SIZE; i++) s ^= table[i];\n#endif\n  printf("%lu\\n", s); return 0; }\n`,
  );
}

/** The edits a scenario makes between the seed build and the measured one. */
export function applyChange(dir: string, change: 'none' | 'source' | 'deps' | 'undo-deps'): void {
  if (change === 'source') appendFileSync(join(dir, 'src', 'app000.c'), `/* changed ${Date.now()} */\n`);
  if (change === 'deps') appendFileSync(join(dir, 'deps.txt'), 'file\n');
  if (change === 'undo-deps') writeFileSync(join(dir, 'deps.txt'), readFileSync(join(dir, 'deps.txt'), 'utf8').replace(/file\n$/, ''));
}

/** A fresh CI runner: no local images of ours, no base images, no build cache. The registry stays. */
export function freshRunner(engine: Engine): void {
  const images = docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])
    .split('\n')
    .filter((l) => l.startsWith(`${REGISTRY}/bench-`) || l.startsWith(`${REGISTRY}/layerwise-test/`) || l.startsWith('<none>'))
    .map((l) => l.split(' ')[0].replace(/^<none>:<none>$/, l.split(' ')[1]));
  for (const ref of new Set(images)) {
    try {
      docker(engine, ['image', 'rm', '-f', ref]);
    } catch {
      /* already gone with another tag */
    }
  }
  docker(engine, ['builder', 'prune', '-af']);
}

/** One `docker buildx build` with rawjson progress, counted with layerwise's own parser. */
async function buildx(engine: Engine, args: string[]): Promise<BuildResult> {
  const started = Date.now();
  const progress = new RawJsonProgress();
  const child = spawn('docker', ['buildx', 'build', '--progress=rawjson', ...args], { env: env(engine), stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => progress.feed(chunk));
  const code: number = await new Promise((resolve) => child.on('close', resolve));
  progress.end();
  if (code !== 0) throw new Error(`docker buildx build ${args.join(' ')} failed: ${progress.textLines.slice(-5).join(' ')}`);
  const { steps } = summarizeVertices(progress.vertices());
  const executed = steps.filter((s) => s.executed).length;
  return { seconds: (Date.now() - started) / 1000, steps: steps.length, executed, cached: steps.filter((s) => s.cached).length };
}

export function plainBuild(engine: Engine, dir: string, tag: string): Promise<BuildResult> {
  return buildx(engine, ['--load', '-t', tag, dir]);
}

/** What most pipelines do: push the final image with inline cache, and use only it as --cache-from. */
export function naiveBuild(engine: Engine, dir: string, ref: string, useCache: boolean): Promise<BuildResult> {
  return buildx(engine, ['--push', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', ...(useCache ? ['--cache-from', ref] : []), '-t', ref, dir]);
}

/**
 * The recipe careful teams run today (docker/build-push-action's docs): one registry cache ref exported with
 * `mode=max` (every stage's records) and read back, on an engine that can export it.
 */
export function peerBuild(engine: Engine, dir: string, cacheRef: string, useCache: boolean): Promise<BuildResult> {
  const from = useCache ? ['--cache-from', `type=registry,ref=${cacheRef}`] : [];
  return buildx(engine, ['--load', '-t', `${cacheRef.replace(/:[^:/]*$/, '')}:image`, ...from, '--cache-to', `type=registry,ref=${cacheRef},mode=max`, dir]);
}

/**
 * The same recipe with the Actions cache (build-push-action's `cache-from: type=gha`, `cache-to: type=gha,mode=max`),
 * in one scope of its own; GitHub's refs still separate branches (the runner's token says which it may read).
 */
export function peerGhaBuild(engine: Engine, dir: string, scope: string, useCache: boolean): Promise<BuildResult> {
  const from = useCache ? ['--cache-from', `type=gha,scope=${scope}`] : [];
  return buildx(engine, ['--load', '-t', `${REGISTRY}/bench-peer-gha:image`, ...from, '--cache-to', `type=gha,scope=${scope},mode=max`, dir]);
}

/** The GitHub ref a branch run has: what the Actions cache scopes its entries by. */
export function githubRef(branch: Branch): string {
  const ctx = benchContext(branch);
  return ctx.pr ? `refs/pull/${ctx.pr.number}/merge` : `refs/heads/${ctx.branch}`;
}

/** Branch runs: the default branch, another branch, and the first run of a new PR on the default branch. */
export type Branch = 'main' | 'other' | 'pr';

export function benchContext(branch: Branch): RunContext {
  if (branch === 'main') return BRANCH_RUN;
  if (branch === 'other') return { ...BRANCH_RUN, branch: 'feature/other' };
  return {
    ...BRANCH_RUN, event: 'pull_request', branch: 'feature/new', canComment: true,
    pr: { number: 7, baseRef: 'main', headRef: 'feature/new', headRepo: 'bench/fixture' },
  };
}

export function benchConfig(dir: string, cacheRepo: string | undefined, mode: 'inline' | 'registry' | 'gha', imageKey = 'bench'): Config {
  return {
    mode: 'build',
    imageKey,
    build: { dockerfile: join(dir, 'Dockerfile'), context: dir, buildArgs: {}, secrets: [], platforms: [], noCache: false, checks: false, tags: [], push: false, labels: {}, load: true },
    cache: { repo: cacheRepo, mode, fallbackScopes: [], writePrScope: false, maxSources: 20 },
    budget: [],
    topFiles: 5,
    comment: false,
    commentAuthor: 'github-actions[bot]',
    allowUntrustedBuild: false,
    skipUnchanged: false,
    cleanupIntermediateImages: false,
    // Outside the context: a file written there would (rightly) change the up-to-date key.
    reportPath: `${dir}.report.json`,
    prune: { retention: '30d', dryRun: true },
  };
}

export const BRANCH_RUN: RunContext = {
  event: 'push',
  repository: 'bench/fixture',
  sha: '0'.repeat(40),
  branch: 'main',
  defaultBranch: 'main',
  fork: false,
  actor: 'bench',
  readOnly: false,
  canComment: false,
  untrustedHead: false,
};

/** layerwise's build step: every needed stage built and its cache pushed, all fed back as --cache-from. */
export async function layerwiseBuild(engine: Engine, config: Config, ctx: RunContext = BRANCH_RUN): Promise<BuildResult> {
  const started = Date.now();
  const graph = buildStageGraph(readFileSync(config.build.dockerfile, 'utf8'), { file: config.build.dockerfile });
  // BENCH_LOG=1 prints layerwise's log with seconds since the build started (to see where time goes).
  const log = process.env.BENCH_LOG ? (l: string) => console.error(`${((Date.now() - started) / 1000).toFixed(1)}s ${l}`) : () => undefined;
  const record = await buildWithStageCaches({ config, graph, ctx, env: env(engine), log });
  if (record.mode !== config.cache.mode) throw new Error(`asked for ${config.cache.mode} cache, the builder gave ${record.mode}`);
  return {
    seconds: (Date.now() - started) / 1000,
    steps: record.totalSteps,
    executed: record.totalSteps - record.cachedSteps,
    cached: record.cachedSteps,
  };
}
