// Cache benchmark: each scenario is measured as a fresh runner (local images and build cache wiped, registry
// kept) after the seed builds its history needs, for each strategy in turn (interleaved, BENCH_REPEATS times).
// Strategies: a plain build, the naive `--cache-from <final image>`, the peer recipe careful teams run today
// (build-push-action's one registry ref with mode=max, where the engine can export it) and layerwise; where the
// engine can export caches, also both with the Actions cache (a local Twirp v2 cache service with Azurite, as in
// the tests: build-push-action's `type=gha,mode=max` recipe next to layerwise's gha mode).
// Ratios divide by the same scenario's plain build and the peer's. Prints a table and, last, one line of JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCacheService } from '../__tests__/helpers/cache-service.js';
import {
  applyChange, benchConfig, FIXTURE, benchContext, freshRunner, githubRef, layerwiseBuild, makeFixture, naiveBuild, peerBuild, peerGhaBuild, plainBuild, REGISTRY,
  type Branch, type BuildResult, type Engine,
} from './lib.js';

type Key = 'cold' | 'none' | 'source' | 'deps' | 'pr';
type Step = { seed: Branch } | { change: 'source' | 'deps' | 'undo-deps' };
interface Scenario {
  name: string;
  key: Key;
  /** What happens before the measured run; each seed is a build on a fresh runner. */
  history: Step[];
  branch: Branch;
}
const ALL_SCENARIOS: Scenario[] = [
  { name: 'cold', key: 'cold', history: [], branch: 'main' },
  { name: 'no change', key: 'none', history: [{ seed: 'main' }], branch: 'main' },
  { name: 'source-only change', key: 'source', history: [{ seed: 'main' }, { change: 'source' }], branch: 'main' },
  { name: 'dependency change', key: 'deps', history: [{ seed: 'main' }, { change: 'deps' }], branch: 'main' },
  // A new PR off main, after another branch changed the dependencies: the peer's one ref holds that branch's.
  {
    name: 'new PR branch', key: 'pr', branch: 'pr',
    history: [{ seed: 'main' }, { change: 'deps' }, { seed: 'other' }, { change: 'undo-deps' }, { change: 'source' }],
  },
];
// BENCH_SCENARIOS=cold,source runs a subset (for a quick look; the README's table runs them all).
const only = process.env.BENCH_SCENARIOS?.split(',');
const SCENARIOS = only ? ALL_SCENARIOS.filter((s) => only.includes(s.key)) : ALL_SCENARIOS;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 1);
const FILES = Number(process.env.BENCH_VENDOR_FILES ?? 240);

interface BenchEngine extends Engine {
  mode: 'inline' | 'registry';
  /** The docker driver exports registry caches only on the containerd store. */
  peer: boolean;
}
const engines: BenchEngine[] = [{ name: 'classic store', host: '', mode: 'inline', peer: false }];
if (process.env.LAYERWISE_CTRD_HOST) engines.push({ name: 'containerd store', host: process.env.LAYERWISE_CTRD_HOST, mode: 'registry', peer: true });
// BENCH_ENGINES=classic or =containerd measures one engine (the containerd one needs LAYERWISE_CTRD_HOST).
const onlyEngines = process.env.BENCH_ENGINES?.split(',');
if (onlyEngines) engines.splice(0, engines.length, ...engines.filter((e) => onlyEngines.some((o) => e.name.startsWith(o))));

type Strategy = { name: string; build: (dir: string, branch: Branch, cached: boolean) => Promise<BuildResult> };

// BENCH_GHA=0 leaves the Actions-cache rows out.
const ghaService = engines.some((e) => e.peer) && process.env.BENCH_GHA !== '0' ? await startCacheService() : undefined;
/** Each build runs as its branch's runner would: the cache service scoped to its ref, reading main's too. */
function asRunner(branch: Branch): void {
  if (!ghaService) return;
  ghaService.state.writeScope = githubRef(branch);
  ghaService.state.readScopes = [...new Set([githubRef(branch), githubRef('main')])];
  Object.assign(process.env, ghaService.env);
}

// BENCH_STRATEGIES=plain,peer-gha,layerwise-gha measures only those (names as in the table, by prefix).
const onlyStrategies = process.env.BENCH_STRATEGIES?.split(',');

function strategies(engine: BenchEngine, id: string): Strategy[] {
  return allStrategies(engine, id).filter((s) => !onlyStrategies || onlyStrategies.some((o) => s.name.startsWith(o)));
}

function allStrategies(engine: BenchEngine, id: string): Strategy[] {
  const naiveRef = `${REGISTRY}/bench-naive-${id}:latest`;
  const peerRef = `${REGISTRY}/bench-peer-${id}:buildcache`;
  const cacheRepo = `${REGISTRY}/bench-lw-${id}-buildcache`;
  return [
    { name: 'plain', build: (dir) => plainBuild(engine, dir, `${REGISTRY}/bench-plain:${id}`) },
    { name: 'naive', build: (dir, _b, cached) => naiveBuild(engine, dir, naiveRef, cached) },
    ...(engine.peer ? [{ name: 'peer mode=max', build: (dir: string, _b: Branch, cached: boolean) => peerBuild(engine, dir, peerRef, cached) }] : []),
    { name: `layerwise-${engine.mode}`, build: (dir, branch) => layerwiseBuild(engine, benchConfig(dir, cacheRepo, engine.mode), benchContext(branch)) },
    ...(engine.peer && ghaService
      ? [
          { name: 'peer-gha mode=max', build: (dir: string, _b: Branch, cached: boolean) => peerGhaBuild(engine, dir, `peer-${id}`, cached) },
          { name: 'layerwise-gha', build: (dir: string, branch: Branch) => layerwiseBuild(engine, benchConfig(dir, undefined, 'gha', `bench-${id}`), benchContext(branch)) },
        ]
      : []),
  ];
}

/** Plays the scenario's history for one strategy (plain has none: it never reads a cache), then measures. */
async function measure(engine: Engine, scenario: Scenario, strategy: Strategy): Promise<BuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-'));
  try {
    makeFixture(dir, FILES);
    let seeded = false;
    for (const step of scenario.history) {
      if ('change' in step) applyChange(dir, step.change);
      else if (strategy.name !== 'plain') {
        freshRunner(engine);
        asRunner(step.seed);
        await strategy.build(dir, step.seed, seeded);
        seeded = true;
      }
    }
    freshRunner(engine);
    asRunner(scenario.branch);
    return await strategy.build(dir, scenario.branch, seeded);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row { engine: string; scenario: string; strategy: string; runs: BuildResult[]; load: number[] }
const rows: Row[] = [];
const stamp = Date.now().toString(36);

for (const engine of engines) {
  for (const scenario of SCENARIOS) {
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      // Fresh refs per repeat: each one starts from the same registry state.
      for (const strategy of strategies(engine, `${stamp}-${scenario.key}-${engine.mode}-${repeat}`)) {
        let row = rows.find((r) => r.engine === engine.name && r.scenario === scenario.name && r.strategy === strategy.name);
        if (!row) rows.push((row = { engine: engine.name, scenario: scenario.name, strategy: strategy.name, runs: [], load: [] }));
        row.load.push(loadavg()[0]);
        const result = await measure(engine, scenario, strategy);
        row.runs.push(result);
        row.load.push(loadavg()[0]);
        console.error(`bench: ${engine.name} · ${scenario.name} · ${strategy.name} #${repeat + 1}: ${result.seconds.toFixed(1)}s, ${result.executed}/${result.steps} steps run`);
      }
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const seconds = (r: Row | undefined) => (r ? median(r.runs.map((x) => x.seconds)) : undefined);
const rowOf = (engine: string, scenario: string, strategy: string) => rows.find((r) => r.engine === engine && r.scenario === scenario && r.strategy.startsWith(strategy));
const fmt = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(2)}×`);
const ratios = rows.map((r) => {
  const own = seconds(r)!;
  const plain = seconds(rowOf(r.engine, r.scenario, 'plain'));
  // Each cache store against the peer recipe on the same store: gha rows against build-push-action's type=gha.
  const peer = seconds(rowOf(r.engine, r.scenario, r.strategy.endsWith('-gha') ? 'peer-gha' : 'peer mode'));
  return { engine: r.engine, scenario: r.scenario, strategy: r.strategy, seconds: own, vsPlain: plain && own / plain, vsPeer: peer && own / peer };
});

const table = ['| Engine | Scenario | Strategy | Steps run / total | Seconds (median, min–max) | ÷ plain (same change) | ÷ peer | load 1 min |', '|---|---|---|--:|--:|--:|--:|--:|'];
for (const r of rows) {
  const x = ratios.find((q) => q.engine === r.engine && q.scenario === r.scenario && q.strategy === r.strategy)!;
  const s = r.runs.map((q) => q.seconds);
  const spread = s.length > 1 ? ` (${Math.min(...s).toFixed(1)}–${Math.max(...s).toFixed(1)})` : '';
  const steps = r.runs.map((q) => `${q.executed}/${q.steps}`);
  table.push(
    `| ${r.engine} | ${r.scenario} | ${r.strategy} | ${[...new Set(steps)].join(', ')} | ${x.seconds.toFixed(1)}${spread} | ${r.strategy === 'plain' ? '' : fmt(x.vsPlain)} | ` +
      `${r.strategy.startsWith('peer') ? '' : fmt(x.vsPeer)} | ${Math.min(...r.load).toFixed(1)}–${Math.max(...r.load).toFixed(1)} |`,
  );
}
console.log(table.join('\n'));
console.log(JSON.stringify({ fixture: FIXTURE, vendorFiles: FILES, repeats: REPEATS, rows, ratios }));
await ghaService?.close();
