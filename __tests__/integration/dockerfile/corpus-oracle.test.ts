// BuildKit as the oracle for the stage graph, over the whole Dockerfile corpus, on the test bed's engine:
//   1. `--call=targets` lists the stages of each original file: names and FROM lines must be the graph's;
//   2. each target of the expectations is built from the buildable transform of its file, and the stages
//      BuildKit solved (the marker step of each stage in the rawjson progress) must be the expected ones.
// Progress names are not used to tell stages apart: BuildKit shares identical vertices between builds and
// names them after whichever build asked first. The marker steps differ by stage index, so they are safe.
// The engine's built-in frontend decides (no Docker Hub here, so no `# syntax=` image): cases written for
// other frontend rules are skipped, saying so.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonStreamSplitter, type SolveStatus } from '../../../src/buildx/progress.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { engineFrontend, rulesFor, sameRules } from '../../../src/dockerfile/rules.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { buildableDockerfile, MARKER_FILE, markedStage, withoutSyntaxDirective, withoutUnsupportedFlags } from '../../helpers/buildable-dockerfile.js';
import { caseLabel, corpusOptions, type CorpusCase, type CorpusEntry } from '../../helpers/corpus.js';
import { describeWithTestbed, docker } from '../../helpers/testbed.js';

const dir = fileURLToPath(new URL('../../fixtures/dockerfiles/', import.meta.url));
const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as Record<string, CorpusEntry>;

interface Run {
  ok: boolean;
  stderr: string;
  stdout: string;
}

/** Runs at most `n` jobs at a time, in the order they were asked for. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Builds running side by side: BuildKit solves them concurrently; more would only queue on 2 cores. */
const slot = limiter(Number(process.env.LAYERWISE_ORACLE_JOBS ?? 4));

/** One `docker buildx build` of `dockerfile` in a context holding only the marker file. */
async function buildx(args: string[], dockerfile: string): Promise<Run> {
  const ctx = mkdtempSync(join(tmpdir(), 'layerwise-oracle-'));
  try {
    mkdirSync(join(ctx, '.lw'));
    writeFileSync(join(ctx, MARKER_FILE), 'marker\n');
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn('docker', ['buildx', 'build', ...args, '-f', join(ctx, 'Dockerfile'), ctx], { timeout: 300_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ ok: code === 0, stdout, stderr }));
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Vertex names from rawjson progress: pretty-printed objects (buildx 0.13) or one per line (0.29). */
function vertexNames(stderr: string): string[] {
  const { values } = new JsonStreamSplitter().feed(stderr + '\n');
  return [...new Set((values as SolveStatus[]).flatMap((v) => (v.vertexes ?? []).map((x) => x.name ?? '')))];
}

describeWithTestbed('BuildKit agrees with the stage graph on the Dockerfile corpus', (bed) => {
  const engineVersion = docker(['version', '--format', '{{.Server.Version}}']).trim();
  const frontend = engineFrontend(engineVersion);
  const engineRules = rulesFor(frontend);
  const baseImage = bed().baseImage;
  const starters: (() => void)[] = [];
  beforeAll(() => starters.forEach((start) => start()));

  describe.each(Object.keys(expectations).sort())('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const cases = expectations[file].cases.map((c) => [caseLabel(c), c] as [string, CorpusCase]);
    const skipWhy = (c: CorpusCase): string | undefined =>
      c.noOracle ?? (c.frontend && !sameRules(rulesFor(c.frontend), engineRules) ? `written for frontend ${c.frontend}, the engine has ${frontend}` : undefined);
    const runnable = cases.filter(([, c]) => !skipWhy(c));
    const skipped = cases.filter(([, c]) => skipWhy(c)).map(([label, c]) => [`${label} — skipped: ${skipWhy(c)}`, c] as [string, CorpusCase]);

    // Every file's builds are queued when the suite starts (a few run at a time); each test waits for its own.
    const builds = new Map<string, { graph?: StageGraph; error?: unknown; run?: Promise<Run>; text?: string }>();
    let listing: Promise<Run>;
    starters.push(() => {
      listing = slot(() => buildx(['--call=targets,format=json'], withoutUnsupportedFlags(withoutSyntaxDirective(text), engineVersion)));
      for (const [label, c] of runnable) {
        try {
          // A case the graph refuses is built anyway, resolved with the newest rules: BuildKit must fail it too.
          const graph = buildStageGraph(text, { file, ...corpusOptions(c), frontend: c.error ? 'current' : frontend });
          const out = buildableDockerfile(text, graph, { baseImage, engineVersion });
          builds.set(label, { graph, text: out.text, run: slot(() => buildx(buildArgs(c, out.contexts), out.text)) });
        } catch (error) {
          builds.set(label, { error });
        }
      }
    });

    test('BuildKit lists the same stages on the same lines (--call=targets)', async () => {
      const r = await listing;
      if (!r.ok) throw new Error(`${file}: --call=targets failed:\n${r.stderr.slice(-2000)}`);
      const listed = (JSON.parse(r.stdout) as { targets: { name?: string; location?: { ranges?: { start: { line: number } }[] } }[] }).targets;
      const graph = anyGraph(text, file, expectations[file].cases, frontend);
      const ours = graph.stages.map((s) => `${s.declaredName ?? '(unnamed)'}@${s.line}`);
      const theirs = listed.map((t) => `${t.name ?? '(unnamed)'}@${t.location?.ranges?.[0]?.start.line}`);
      expect({ file, stages: theirs }).toEqual({ file, stages: ours });
    });

    if (skipped.length) test.skip.each(skipped)('%s', () => undefined);
    if (runnable.length === 0) return;

    test.each(runnable)('%s: BuildKit solves the needed stages', async (label, c) => {
      const build = builds.get(label);
      if (!build || build.error || !build.run || !build.graph) throw build?.error ?? new Error(`${file} ${label}: not started`);
      const r = await build.run;
      if (c.error) {
        expect(() => buildStageGraph(text, { file, ...corpusOptions(c), frontend })).toThrow(new RegExp(c.error));
        expect({ file, label, buildkitBuilt: r.ok }).toEqual({ file, label, buildkitBuilt: false });
        return;
      }
      const graph = build.graph;
      if (!r.ok) throw new Error(`${file} ${label}: the build failed:\n${r.stderr.slice(-3000)}\n--- transformed Dockerfile ---\n${build.text}`);
      const names = vertexNames(r.stderr);
      const byIndex = new Map(graph.stages.map((s) => [s.index, s.name]));
      const solved = [...new Set(names.map(markedStage).filter((i): i is number => i !== undefined))].map((i) => byIndex.get(i) ?? `#${i}`).sort();
      expect({ file, label, solved }).toEqual({ file, label, solved: [...c.needed].sort() });
      expect(graph.needed.slice().sort()).toEqual([...c.needed].sort());
    });
  });
});

/** The graph of the first case the engine's rules accept: stage names and lines do not depend on the target. */
function anyGraph(text: string, file: string, cases: CorpusCase[], frontend: string): StageGraph {
  const errors: string[] = [];
  for (const c of cases) {
    try {
      return buildStageGraph(text, { file, ...corpusOptions(c), frontend });
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  throw new Error(`${file}: no case resolves under frontend ${frontend}: ${errors.join('; ')}`);
}

function buildArgs(c: CorpusCase, contexts: Record<string, string>): string[] {
  const args = ['--progress=rawjson', '--output', 'type=cacheonly'];
  if (c.target) args.push('--target', c.target);
  args.push('--platform', c.platform ?? 'linux/amd64');
  for (const [k, v] of Object.entries(c.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(contexts)) args.push('--build-context', `${k}=${v}`);
  return args;
}
