// Benchmark (not a test): analyse an image of ≥ 1 GiB from the daemon and compare with `docker save IMAGE >
// /dev/null` on the same image. The analysis runs in a child process so its peak RSS is its own
// (process.resourceUsage().maxRSS), not the parent's.
//
// Run on the test bed (bundle first; Node 20 has no TypeScript loader):
//   eval "$(bash scripts/testbed.sh --ctrd)"
//   npx esbuild bench/analysis.ts --bundle --platform=node --format=esm --outfile=/tmp/bench-analysis.mjs \
//     --external:cpu-features '--external:*.node' \
//     --banner:js="import{createRequire as r}from'node:module';const require=r(import.meta.url);import{fileURLToPath as f}from'node:url';import{dirname as d}from'node:path';const __filename=f(import.meta.url);const __dirname=d(__filename);"
//   node /tmp/bench-analysis.mjs [--gib 1] [--rounds 3] [--ctrd] [--keep]
// The last line of stdout is the figures as JSON.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeImage } from '../src/image/analyze.js';
import { daemonImage, dockerClient } from '../src/image/sources.js';

const MiB = 1 << 20;

interface ChildResult { seconds: number; cpuSeconds: number; maxRssMB: number; sizeBytes: number; compressedBytes: number; layers: number; wastedBytes: number; files: number }

async function child(ref: string, host: string | undefined, estimate: boolean): Promise<void> {
  const t0 = process.hrtime.bigint();
  // An empty size map skips the gzip estimate: the cost of the analysis alone.
  const a = await analyzeImage(daemonImage(ref, dockerClient(host)), estimate ? {} : { compressedSizes: new Map() });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const files = a.layers.reduce((n, l) => n + l.files.added + l.files.modified, 0);
  const result: ChildResult = {
    seconds, cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, sizeBytes: a.sizeBytes, compressedBytes: a.compressedBytes,
    layers: a.layerCount, wastedBytes: a.wastedBytes, files,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function dockerArgs(host: string | undefined, args: string[]): string[] {
  return host ? ['-H', host, ...args] : args;
}

/** Layers of mixed content: many small random files, big random files, base64 text, repetitive text, then a cleanup. */
function dockerfile(base: string, gib: number): string {
  const quarter = Math.round((gib * 1024) / 4); // MiB per content kind
  return [
    `FROM ${base}`,
    `RUN mkdir -p /data/small && i=0; while [ $i -lt ${quarter * 8} ]; do head -c 131072 /dev/urandom > /data/small/f$i; i=$((i+1)); done`,
    `RUN mkdir -p /data/big && for i in $(seq 1 ${quarter / 16}); do head -c ${16 * MiB} /dev/urandom > /data/big/b$i; done`,
    `RUN mkdir -p /data/text && for i in $(seq 1 ${quarter / 8}); do head -c ${6 * MiB} /dev/urandom | base64 > /data/text/t$i.txt; done`,
    `RUN mkdir -p /data/logs /tmp && for i in $(seq 1 ${quarter / 8}); do yes "log line $i: the quick brown fox jumps over the lazy dog" | head -c ${8 * MiB} > /data/logs/l$i.log; done && head -c ${64 * MiB} /dev/urandom > /tmp/scratch`,
    'RUN rm -f /tmp/scratch /data/big/b1',
    '',
  ].join('\n');
}

function timeIt(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function runChild(ref: string, host: string | undefined, estimate: boolean): Promise<ChildResult & { wallSeconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const args = [process.argv[1], '--child', ref, ...(host ? ['--host', host] : []), ...(estimate ? [] : ['--no-estimate'])];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`analysis child exited ${code}`));
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as ChildResult), wallSeconds });
    });
  });
}

async function benchEngine(label: string, host: string | undefined, base: string, gib: number, rounds: number, keep: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-'));
  const ref = `layerwise-bench-analysis-${process.pid}:${label}`;
  try {
    writeFileSync(join(dir, 'Dockerfile'), dockerfile(base, gib));
    if (host) execFileSync('docker', dockerArgs(host, ['pull', '-q', base]), { stdio: 'ignore' });
    console.log(`[${label}] building ${gib} GiB image ${ref} …`);
    const buildSeconds = timeIt('docker', dockerArgs(host, ['buildx', 'build', '-q', '--load', '-t', ref, dir]));
    console.log(`[${label}] built in ${buildSeconds.toFixed(1)} s`);
    // Warm-up: the first save on the containerd store compresses and caches blobs.
    timeIt('sh', ['-c', `docker ${host ? `-H ${host} ` : ''}save ${ref} > /dev/null`]);
    const save: number[] = [];
    const withEstimate: (ChildResult & { wallSeconds: number })[] = [];
    const withoutEstimate: (ChildResult & { wallSeconds: number })[] = [];
    for (let r = 0; r < rounds; r++) {
      save.push(timeIt('sh', ['-c', `docker ${host ? `-H ${host} ` : ''}save ${ref} > /dev/null`]));
      withoutEstimate.push(await runChild(ref, host, false));
      if (!host) withEstimate.push(await runChild(ref, host, true)); // only the classic store lacks compressed blobs
      console.log(`[${label}] round ${r + 1}: save ${save[r].toFixed(2)} s, analysis ${withoutEstimate[r].seconds.toFixed(2)} s (CPU ${withoutEstimate[r].cpuSeconds.toFixed(2)} s)` +
        (withEstimate[r] ? `, analysis + gzip estimate ${withEstimate[r].seconds.toFixed(2)} s (CPU ${withEstimate[r].cpuSeconds.toFixed(2)} s)` : ''));
    }
    const best = <T extends { seconds: number }>(xs: T[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const saveBest = Math.min(...save);
    const a = best(withoutEstimate);
    const e = withEstimate.length ? best(withEstimate) : undefined;
    return {
      engine: label, image: ref, sizeBytes: a.sizeBytes, layers: a.layers, files: a.files, wastedBytes: a.wastedBytes,
      saveSeconds: saveBest,
      analysisSeconds: a.seconds, analysisCpuSeconds: a.cpuSeconds, analysisRatio: a.seconds / saveBest, analysisPeakRssMB: Math.max(...withoutEstimate.map((x) => x.maxRssMB)),
      ...(e ? { estimateSeconds: e.seconds, estimateCpuSeconds: e.cpuSeconds, estimateRatio: e.seconds / saveBest, estimatePeakRssMB: Math.max(...withEstimate.map((x) => x.maxRssMB)), compressedBytesEstimated: e.compressedBytes } : { compressedBytes: a.compressedBytes }),
      rounds, allSaveSeconds: save, allAnalysisSeconds: withoutEstimate.map((x) => x.seconds), allEstimateSeconds: withEstimate.map((x) => x.seconds),
    };
  } finally {
    if (!keep) spawnSync('docker', dockerArgs(host, ['rmi', '-f', ref]), { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mainBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' }, host: { type: 'string' }, 'no-estimate': { type: 'boolean' },
      gib: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' }, ctrd: { type: 'boolean' }, keep: { type: 'boolean' },
    },
  });
  if (values.child) return child(values.child, values.host, !values['no-estimate']);
  const base = process.env.LAYERWISE_BASE_IMAGE ?? 'localhost:5000/layerwise-test/busybox:1';
  const gib = Number(values.gib);
  const rounds = Number(values.rounds);
  const results = [await benchEngine('classic', undefined, base, gib, rounds, !!values.keep)];
  if (values.ctrd) {
    const host = process.env.LAYERWISE_CTRD_HOST;
    if (!host) throw new Error('--ctrd needs LAYERWISE_CTRD_HOST (eval "$(bash scripts/testbed.sh --ctrd)")');
    results.push(await benchEngine('containerd', host, base, gib, rounds, !!values.keep));
  }
  for (const r of results) {
    console.log(`[${r.engine}] ${(r.sizeBytes / 2 ** 30).toFixed(2)} GiB in ${r.layers} layers, ${r.files} files: docker save ${r.saveSeconds.toFixed(2)} s; ` +
      `analysis ${r.analysisSeconds.toFixed(2)} s (${r.analysisRatio.toFixed(2)}×, peak RSS ${r.analysisPeakRssMB.toFixed(0)} MB)` +
      ('estimateSeconds' in r && r.estimateSeconds !== undefined ? `; with gzip estimate ${r.estimateSeconds.toFixed(2)} s (${r.estimateRatio!.toFixed(2)}×, peak RSS ${r.estimatePeakRssMB!.toFixed(0)} MB)` : ''));
  }
  console.log(JSON.stringify({ benchmark: 'analysis', node: process.versions.node, cpus: (await import('node:os')).availableParallelism(), results }));
}

await mainBench();
