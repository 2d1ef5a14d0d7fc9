// BuildKit as the oracle for the stage graph, over the whole Dockerfile corpus, on the test bed's engine:
//   1. `--call=targets` lists the stages of each original file: names and FROM lines must be the graph's;
//   2. each target of the expectations is built from the buildable transform of its file, and the stages
//      BuildKit solved (the marker step of each stage in the rawjson progress) must be the expected ones.
// The engine's built-in frontend decides (no Docker Hub here, so no `# syntax=` image): cases written for
// other frontend rules are skipped, saying so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonStreamSplitter, type SolveStatus } from '../../../src/build/progress.js';
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

function buildx(args: string[], dockerfile: string): Run {
  const ctx = mkdtempSync(join(tmpdir(), 'layerwise-oracle-'));
  try {
    mkdirSync(join(ctx, '.lw'));
    writeFileSync(join(ctx, MARKER_FILE), 'marker\n');
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile);
    const r = spawnSync('docker', ['buildx', 'build', ...args, '-f', join(ctx, 'Dockerfile'), ctx], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    return { ok: r.status === 0, stderr: r.stderr ?? '', stdout: r.stdout ?? '' };
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

/** Vertex names from rawjson progress: pretty-printed objects (buildx 0.13) or one per line (0.29). */
function vertexNames(stderr: string): string[] {
  const { values } = new JsonStreamSplitter().feed(stderr + '\n');
  return [...new Set((values as SolveStatus[]).flatMap((v) => (v.vertexes ?? []).map((x) => x.name ?? '')))];
}

/** Names BuildKit gives stages in progress output: the AS name, or stage-N. */
function progressNames(graph: StageGraph): Set<string> {
  return new Set(graph.stages.map((s) => s.declaredName ?? `stage-${s.index}`));
}

describeWithTestbed('BuildKit agrees with the stage graph on the Dockerfile corpus', (bed) => {
  const engineVersion = docker(['version', '--format', '{{.Server.Version}}']).trim();
  const frontend = engineFrontend(engineVersion);
  const engineRules = rulesFor(frontend);
  const baseImage = bed().baseImage;

  describe.each(Object.keys(expectations).sort())('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');

    test('BuildKit lists the same stages on the same lines (--call=targets)', () => {
      const r = buildx(['--call=targets,format=json'], withoutUnsupportedFlags(withoutSyntaxDirective(text), engineVersion));
      if (!r.ok) throw new Error(`${file}: --call=targets failed:\n${r.stderr.slice(-2000)}`);
      const listed = (JSON.parse(r.stdout) as { targets: { name?: string; location?: { ranges?: { start: { line: number } }[] } }[] }).targets;
      const graph = anyGraph(text, file, expectations[file].cases, frontend);
      const ours = graph.stages.map((s) => `${s.declaredName ?? '(unnamed)'}@${s.line}`);
      const theirs = listed.map((t) => `${t.name ?? '(unnamed)'}@${t.location?.ranges?.[0]?.start.line}`);
      expect({ file, stages: theirs }).toEqual({ file, stages: ours });
    });

    const cases = expectations[file].cases.map((c) => [caseLabel(c), c] as [string, CorpusCase]);
    const skipWhy = (c: CorpusCase): string | undefined =>
      c.noOracle ?? (c.frontend && !sameRules(rulesFor(c.frontend), engineRules) ? `written for frontend ${c.frontend}, the engine has ${frontend}` : undefined);
    const runnable = cases.filter(([, c]) => !skipWhy(c));
    const skipped = cases.filter(([, c]) => skipWhy(c)).map(([label, c]) => [`${label} — skipped: ${skipWhy(c)}`, c] as [string, CorpusCase]);
    if (skipped.length) test.skip.each(skipped)('%s', () => undefined);
    if (runnable.length === 0) return;

    test.each(runnable)('%s: BuildKit solves the needed stages', (label, c) => {
      const options = { file, ...corpusOptions(c), frontend };
      if (c.error) {
        expect(() => buildStageGraph(text, options)).toThrow(new RegExp(c.error));
        const graph = buildStageGraph(text, { ...options, frontend: 'current' });
        const out = buildableDockerfile(text, graph, { baseImage, engineVersion });
        const r = buildx(buildArgs(c, out.contexts), out.text);
        expect({ file, label, buildkitBuilt: r.ok }).toEqual({ file, label, buildkitBuilt: false });
        return;
      }
      const graph = buildStageGraph(text, options);
      const out = buildableDockerfile(text, graph, { baseImage, engineVersion });
      const r = buildx(buildArgs(c, out.contexts), out.text);
      if (!r.ok) throw new Error(`${file} ${label}: the build failed:\n${r.stderr.slice(-3000)}\n--- transformed Dockerfile ---\n${out.text}`);
      const names = vertexNames(r.stderr);
      const byIndex = new Map(graph.stages.map((s) => [s.index, s.name]));
      const solved = [...new Set(names.map(markedStage).filter((i): i is number => i !== undefined))].map((i) => byIndex.get(i) ?? `#${i}`).sort();
      // A stage the graph does not know about would show up under its own name.
      const known = progressNames(graph);
      const strangers = names.map((n) => /^\[([a-z0-9][a-z0-9._-]*) \d+\/\d+\]/.exec(n)?.[1]).filter((n): n is string => !!n && !known.has(n));
      expect({ file, label, solved, strangers }).toEqual({ file, label, solved: [...c.needed].sort(), strangers: [] });
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
