// Per-build results → one BuildRecord. A step counts once, in the first build that ran it: later builds of
// the same run find it in the builder's local cache, which says nothing about the registry cache. Pure.
import type { Stage, StageGraph } from '../dockerfile/types.js';
import type { BuildRecord, BuildStep, CacheSourceStatus, StageBuild } from './types.js';
import type { PlannedBuild, ResolvedMode } from './plan.js';
import { dedupeChecks, type DockerfileCheck } from './checks.js';
import { stepKey, type VertexSummary } from './steps.js';

export interface InvocationResult {
  planned: PlannedBuild;
  /** Pinned refs passed as `--cache-from`. */
  cacheFrom: string[];
  summary: VertexSummary;
  seconds: number;
  exitCode: number;
  metadata?: Record<string, unknown>;
  cacheWrite?: 'pushed' | 'unchanged' | 'failed';
  /** BuildKit's Dockerfile check warnings this build printed (every stage build prints them again). */
  checks?: DockerfileCheck[];
  /** Planned but not run: its stage's cache was current (see runStageExport). */
  notRun?: boolean;
}

export interface RecordInput {
  graph: StageGraph;
  mode: ResolvedMode;
  results: InvocationResult[];
  /** Refs checked before the build: found (pinned) or not. */
  resolvedSources: CacheSourceStatus[];
  warnings: string[];
  /** Checks found before any build (the `checks` option's `--call=check`). */
  checks?: DockerfileCheck[];
}

/** BuildKit's stage label in progress output → the graph's stage name. */
export function graphStageName(graph: StageGraph, buildkitStage: string): string {
  if (buildkitStage === '' && graph.stages.length > 0) return graph.stages[graph.stages.length - 1].name;
  const unnamed = /^stage-(\d+)$/.exec(buildkitStage);
  if (unnamed) {
    const s = graph.stages.find((st) => st.index === Number(unnamed[1]) && !st.named);
    if (s) return s.name;
  }
  return buildkitStage.toLowerCase();
}

const squash = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Dockerfile line of a step, matched on its instruction text within its stage (best effort). Each stage's
 * texts are squashed once and looked up by exact text first: no rescans of every instruction per step.
 */
function lineFinder(stages: Map<string, Stage>): (stage: string, instruction: string) => number | undefined {
  const byStage = new Map<string, { exact: Map<string, number>; texts: { text: string; line: number }[] }>();
  return (name, instruction) => {
    const stage = stages.get(name);
    if (!stage) return undefined;
    let index = byStage.get(name);
    if (!index) {
      const texts = stage.instructions.map((i) => ({ text: squash(i.text), line: i.line }));
      const exact = new Map<string, number>();
      for (const t of texts) if (!exact.has(t.text)) exact.set(t.text, t.line);
      byStage.set(name, (index = { exact, texts }));
    }
    const want = squash(instruction);
    return index.exact.get(want) ?? index.texts.find((i) => want.startsWith(i.text) || i.text.startsWith(want))?.line;
  };
}

export function assembleRecord(input: RecordInput): BuildRecord {
  const { graph, results } = input;
  const warnings = [...input.warnings];
  const lineOf = lineFinder(new Map(graph.stages.map((s) => [s.name, s])));
  const steps = new Map<string, BuildStep[]>();
  const firstBuildOf = new Map<string, InvocationResult>();
  const seen = new Map<string, BuildStep>();
  // Steps a successful build named but never started nor found cached: another build on the same builder was
  // solving them at that moment, and BuildKit reports a shared step only to the build that solves it (two
  // concurrent builds, Docker 28.5). This run neither ran them nor looked them up: left out of the ratio, and said.
  const solvedElsewhere = new Set<string>();

  for (const result of results) {
    const succeeded = result.exitCode === 0 && result.summary.buildErrors.length === 0;
    for (const step of result.summary.steps) {
      const key = stepKey(step);
      const unreported = succeeded && !step.cached && !step.executed && !step.error;
      if ((unreported || solvedElsewhere.has(key)) && !step.executed && !seen.has(key)) {
        if (unreported) solvedElsewhere.add(key);
        continue;
      }
      solvedElsewhere.delete(key);
      const earlier = seen.get(key);
      if (earlier) {
        // A later build of the run (the image build after the stage builds) ran a step an earlier one had from
        // cache: it was paid for, so it counts as run.
        if (earlier.cached && step.executed) Object.assign(earlier, { cached: false, seconds: round(step.seconds) });
        continue;
      }
      const stage = graphStageName(graph, step.stage);
      if (!firstBuildOf.has(stage)) firstBuildOf.set(stage, result);
      const list = steps.get(stage) ?? [];
      const entry: BuildStep = {
        stage,
        instruction: step.platform ? `[${step.platform}] ${step.instruction}` : step.instruction,
        ...withLine(lineOf(stage, step.instruction)),
        index: step.index,
        cached: step.cached,
        seconds: round(step.seconds),
        ...(step.error ? { error: step.error } : {}),
      };
      seen.set(key, entry);
      list.push(entry);
      steps.set(stage, list);
    }
    for (const e of result.summary.exportErrors) {
      warnings.push(`${result.planned.kind === 'stage' ? `stage ${result.planned.stage}` : 'image build'}: ${e.vertex} failed (${e.error}); the build goes on without it`);
    }
  }

  const stageNames = [...graph.needed, ...[...steps.keys()].filter((n) => !graph.needed.includes(n))];
  const stages: StageBuild[] = stageNames.map((name) => {
    const list = (steps.get(name) ?? []).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const own = results.find((r) => r.planned.stage === name && r.planned.writesCacheRef) ?? firstBuildOf.get(name);
    const written = results.find((r) => r.planned.stage === name && r.planned.writesCacheRef);
    const cacheWrite = written ? (written.cacheWrite ?? (written.summary.exportErrors.length === 0 && written.exitCode === 0 ? 'pushed' : 'failed')) : undefined;
    const pushed = cacheWrite === 'pushed';
    return {
      name,
      steps: list.length,
      cachedSteps: list.filter((s) => s.cached).length,
      seconds: round(list.reduce((sum, s) => sum + s.seconds, 0)),
      ...(cacheWrite !== 'failed' && written?.planned.writesCacheRef ? { cacheRef: written.planned.writesCacheRef } : {}),
      pushed,
      ...(cacheWrite ? { cacheWrite } : {}),
      cacheFrom: own?.cacheFrom ?? [],
      stepDetails: list,
    };
  });

  if (solvedElsewhere.size) {
    warnings.push(`${solvedElsewhere.size} step(s) were solved by another build on the same builder at the same time (BuildKit reports a shared step only to that build): left out of the cache hit ratio`);
  }
  const cacheSources = mergeSourceStatus(input.resolvedSources, results);
  for (const r of results) {
    for (const imp of r.summary.imports) {
      if (imp.error) warnings.push(`importing cache ${imp.ref} failed (${imp.error}); built without it`);
    }
  }
  const totalSteps = stages.reduce((n, s) => n + s.steps, 0);
  const cachedSteps = stages.reduce((n, s) => n + s.cachedSteps, 0);
  const last = [...results].reverse().find((r) => r.planned.kind === 'image' && r.metadata);
  const meta = last?.metadata ?? {};
  const digest = typeof meta['containerimage.digest'] === 'string' ? (meta['containerimage.digest'] as string) : undefined;
  const configDigest = typeof meta['containerimage.config.digest'] === 'string' ? (meta['containerimage.config.digest'] as string) : undefined;
  const checks = dedupeChecks([...(input.checks ?? []), ...results.flatMap((r) => r.checks ?? [])]);
  return {
    stages,
    cacheSources,
    totalSteps,
    cachedSteps,
    cacheHitRatio: totalSteps ? round(cachedSteps / totalSteps, 4) : 1,
    seconds: round(results.reduce((n, r) => n + r.seconds, 0)),
    mode: input.mode,
    ...(configDigest ? { imageId: configDigest } : {}),
    ...(digest ? { digest } : {}),
    warnings: [...new Set(warnings)],
    ...(checks.length ? { checks } : {}),
    invocations: results.filter((r) => !r.notRun).map((r) => ({
      kind: r.planned.kind,
      stage: r.planned.stage,
      ...(r.planned.target ? { target: r.planned.target } : {}),
      seconds: round(r.seconds),
      cacheFrom: r.cacheFrom.length,
      ...(r.planned.writesCacheRef ? { writes: r.planned.writesCacheRef } : {}),
    })),
  };
}

/** Pre-build checks, refined by what BuildKit said when importing each kept ref. */
function mergeSourceStatus(resolved: CacheSourceStatus[], results: InvocationResult[]): CacheSourceStatus[] {
  const byRef = new Map(resolved.map((s) => [s.ref, { ...s }]));
  for (const r of results) {
    for (const imp of r.summary.imports) {
      const key = [...byRef.keys()].find((k) => imp.ref === k || imp.ref.startsWith(`${k}@`)) ?? ghaImportRef(imp.ref, r.cacheFrom);
      if (!key) continue;
      const prev = byRef.get(key);
      if (imp.error) byRef.set(key, { ref: key, status: 'error', detail: imp.error });
      else if (!prev) byRef.set(key, { ref: key, status: 'imported' });
    }
  }
  return [...byRef.values()];
}

/**
 * BuildKit names a gha import `gha:<number>`, not by scope: the scope when the build read just one, else none
 * (the pre-build check already listed every scope).
 */
function ghaImportRef(ref: string, cacheFrom: string[]): string | undefined {
  if (!ref.startsWith('gha:')) return ref;
  return cacheFrom.length === 1 ? cacheFrom[0] : undefined;
}

function withLine(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
