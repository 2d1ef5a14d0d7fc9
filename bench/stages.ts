// `layerwise stages` on the largest corpus Dockerfile (moby-dev.Dockerfile, 62 stages) and on a generated
// 3000-stage chain: median wall time of the CLI as a user runs it (`node dist/cli.js stages …`, node's
// start-up included) and of buildStageGraph alone, in process. Needs a fresh dist/ (`npm run bundle`).
// No Docker needed. Last line: JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStageGraph } from '../src/dockerfile/graph.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const cli = 'dist/cli.js';
const largest = '__tests__/fixtures/dockerfiles/moby-dev.Dockerfile';
if (!existsSync(cli)) throw new Error(`bench stages: no ${cli} (run npm run bundle first)`);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function timeCli(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync('node', [cli, 'stages', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.status !== 0) throw new Error(`layerwise stages ${args.join(' ')} failed: ${r.stderr}`);
  }
  return median(times);
}

function timeGraph(text: string, target: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    buildStageGraph(text, { file: 'Dockerfile', target });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'layerwise-bench-stages-'));
try {
  const chain = join(dir, 'chain.Dockerfile');
  writeFileSync(chain, ['FROM busybox AS s0', ...Array.from({ length: 2999 }, (_, i) => `FROM s${i} AS s${i + 1}`)].join('\n'));
  const largestText = readFileSync(largest, 'utf8');
  const result = {
    runs: RUNS,
    largest: {
      file: largest,
      stages: buildStageGraph(largestText, { file: largest }).stages.length,
      cliMs: timeCli(['-f', largest, '--target', 'dev']),
      cliJsonMs: timeCli(['-f', largest, '--target', 'dev', '--json']),
      graphMs: timeGraph(largestText, 'dev'),
    },
    chain3000: { cliMs: timeCli(['-f', chain]), graphMs: timeGraph(readFileSync(chain, 'utf8'), 's2999') },
    nodeStartMs: median(Array.from({ length: RUNS }, () => {
      const started = process.hrtime.bigint();
      spawnSync('node', ['-e', '0']);
      return Number(process.hrtime.bigint() - started) / 1e6;
    })),
  };
  const ms = (n: number): string => `${n.toFixed(1)} ms`;
  console.log(`layerwise stages ${largest} (${result.largest.stages} stages): ${ms(result.largest.cliMs)} median of ${RUNS} (--json ${ms(result.largest.cliJsonMs)}; graph alone ${ms(result.largest.graphMs)}; node -e 0 ${ms(result.nodeStartMs)})`);
  console.log(`3000-stage chain: ${ms(result.chain3000.cliMs)} (graph alone ${ms(result.chain3000.graphMs)})`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
