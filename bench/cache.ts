// Cache benchmark: each scenario is measured as a fresh runner (local images and build cache wiped, registry
// kept) after a seed build of the previous version. Prints a table and, last, one line of JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyChange, benchConfig, freshRunner, layerwiseBuild, makeFixture, naiveBuild, plainBuild, REGISTRY,
  type BuildResult, type Engine,
} from './lib.js';

type Change = 'none' | 'source' | 'deps';
type Scenario = { name: string; change: Change | 'cold' };
const ALL_SCENARIOS: Scenario[] = [
  { name: 'cold', change: 'cold' },
  { name: 'no change', change: 'none' },
  { name: 'source-only change', change: 'source' },
  { name: 'dependency change', change: 'deps' },
];
// BENCH_SCENARIOS=cold,source runs a subset (for a quick look; the README's table runs them all).
const only = process.env.BENCH_SCENARIOS?.split(',');
const SCENARIOS = only ? ALL_SCENARIOS.filter((s) => only.includes(s.change)) : ALL_SCENARIOS;

const run = Date.now().toString(36);
const FILES = Number(process.env.BENCH_VENDOR_FILES ?? 240);
const engines: (Engine & { mode: 'inline' | 'registry' })[] = [{ name: 'classic store', host: '', mode: 'inline' }];
if (process.env.LAYERWISE_CTRD_HOST) engines.push({ name: 'containerd store', host: process.env.LAYERWISE_CTRD_HOST, mode: 'registry' });
// BENCH_ENGINES=classic or =containerd measures one engine (the containerd one needs LAYERWISE_CTRD_HOST).
const onlyEngines = process.env.BENCH_ENGINES?.split(',');
if (onlyEngines) engines.splice(0, engines.length, ...engines.filter((e) => onlyEngines.some((o) => e.name.startsWith(o))));

interface Row {
  engine: string;
  scenario: string;
  strategy: 'plain' | 'naive' | 'layerwise-inline' | 'layerwise-registry';
  result: BuildResult;
}
const rows: Row[] = [];

/** Seeds the registry with the previous version (unless cold), resets the runner, measures the build. */
async function measure(engine: Engine, scenario: Scenario, seed: (dir: string) => Promise<unknown>, build: (dir: string) => Promise<BuildResult>): Promise<BuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-'));
  try {
    makeFixture(dir, FILES);
    if (scenario.change !== 'cold') {
      freshRunner(engine);
      await seed(dir);
      applyChange(dir, scenario.change);
    }
    freshRunner(engine);
    return await build(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const engine of engines) {
  for (const scenario of SCENARIOS) {
    const id = `${run}-${scenario.change}-${engine.mode}`;
    const plain = await measure(engine, { ...scenario, change: 'cold' }, async () => undefined, async (dir) => {
      applyChange(dir, scenario.change === 'cold' ? 'none' : scenario.change);
      return plainBuild(engine, dir, `${REGISTRY}/bench-plain:${id}`);
    });
    rows.push({ engine: engine.name, scenario: scenario.name, strategy: 'plain', result: plain });
    const naiveRef = `${REGISTRY}/bench-naive:${id}`;
    const naive = await measure(engine, scenario, (dir) => naiveBuild(engine, dir, naiveRef, false), (dir) => naiveBuild(engine, dir, naiveRef, scenario.change !== 'cold'));
    rows.push({ engine: engine.name, scenario: scenario.name, strategy: 'naive', result: naive });
    const cacheRepo = `${REGISTRY}/bench-lw-${id}-buildcache`;
    const lw = (dir: string) => layerwiseBuild(engine, benchConfig(dir, cacheRepo, engine.mode));
    const result = await measure(engine, scenario, lw, lw);
    rows.push({ engine: engine.name, scenario: scenario.name, strategy: `layerwise-${engine.mode}`, result });
    console.error(`bench: ${engine.name} · ${scenario.name}: plain ${plain.seconds.toFixed(1)}s, naive ${naive.seconds.toFixed(1)}s, layerwise ${result.seconds.toFixed(1)}s`);
  }
}

const find = (engine: string, scenario: string, strategy: string) =>
  rows.find((r) => r.engine === engine && r.scenario === scenario && r.strategy.startsWith(strategy))?.result;
const ratios = rows
  .filter((r) => r.strategy.startsWith('layerwise'))
  .map((r) => {
    const cold = find(r.engine, 'cold', 'plain');
    const naive = find(r.engine, r.scenario, 'naive');
    return {
      engine: r.engine,
      scenario: r.scenario,
      strategy: r.strategy,
      vsCold: cold ? r.result.seconds / cold.seconds : null,
      vsNaive: naive ? r.result.seconds / naive.seconds : null,
    };
  });

const table = ['| Engine | Scenario | Strategy | Steps run / total | Seconds | ÷ cold plain | ÷ naive |', '|---|---|---|--:|--:|--:|--:|'];
for (const r of rows) {
  const ratio = ratios.find((x) => x.engine === r.engine && x.scenario === r.scenario && x.strategy === r.strategy);
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '' : `${v.toFixed(2)}×`);
  table.push(`| ${r.engine} | ${r.scenario} | ${r.strategy} | ${r.result.executed} / ${r.result.steps} | ${r.result.seconds.toFixed(1)} | ${fmt(ratio?.vsCold)} | ${fmt(ratio?.vsNaive)} |`);
}
console.log(table.join('\n'));
console.log(JSON.stringify({ vendorFiles: FILES, rows, ratios }));
