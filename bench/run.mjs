// `npm run bench`: runs each benchmark (bundled with esbuild, run by node), collects the JSON each prints on
// its last line, and writes bench/results.json with the machine it ran on. Not a test: nothing is asserted.
//   npm run bench              all benchmarks
//   npm run bench -- cache     only the named ones (cache, skip, analysis, stages)
//   BENCH_RESULT_KEY=k         store the (single) benchmark's result under `k`, with its machine
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const ALL = ['cache', 'skip', 'analysis', 'stages'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
// Inside the repo, so the bundles' external packages resolve from node_modules (bench/work is git-ignored).
mkdirSync('bench/work', { recursive: true });
const out = mkdtempSync(join('bench/work', 'js-'));
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unavailable';
  }
};

const previous = existsSync('bench/results.json') ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : {};
const machine = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  docker: sh('docker', ['version', '--format', '{{.Server.Version}}']),
  buildx: sh('docker', ['buildx', 'version']),
};
const results = process.env.BENCH_RESULT_KEY ? { ...previous } : { ...previous, machine };
results.machine ??= machine;

for (const name of wanted) {
  const entry = `bench/${name}.ts`;
  if (!existsSync(entry)) {
    console.error(`bench: no ${entry}`);
    process.exitCode = 2;
    continue;
  }
  const file = join(out, `${name}.mjs`);
  await build({
    entryPoints: [entry], outfile: file, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', logLevel: 'warning',
  });
  console.error(`bench: running ${name}…`);
  const r = spawnSync('node', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, cwd: process.cwd() });
  const lines = r.stdout.trimEnd().split('\n');
  if (r.status !== 0) {
    console.error(`bench: ${name} failed (exit ${r.status})\n${r.stdout}`);
    process.exitCode = 1;
    continue;
  }
  console.log(lines.slice(0, -1).join('\n'));
  // BENCH_RESULT_KEY=cacheGha keeps a partial run (a subset of scenarios or strategies) beside the full one,
  // with the machine it ran on, instead of replacing it.
  if (process.env.BENCH_RESULT_KEY) results[process.env.BENCH_RESULT_KEY] = { machine, ...JSON.parse(lines.at(-1)) };
  else results[name] = JSON.parse(lines.at(-1));
}
rmSync(out, { recursive: true, force: true });
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
console.error('bench: wrote bench/results.json');
