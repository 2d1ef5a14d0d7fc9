// Vertex names → Dockerfile steps, cache imports and export problems. Pure.
// Step names look like `[deps 2/4] RUN …`, `[2/3] COPY …` (single stage), `[linux/arm64 build 3/5] RUN …`
// (multi-platform). Internal vertices (`[internal] …`, `[auth] …`, exporting, pushing) and FROM are not
// Dockerfile steps for the hit ratio.
import type { VertexState } from './progress.js';

export interface ParsedStep {
  platform?: string;
  /** Stage as BuildKit names it: the `AS` name, `stage-N` for unnamed ones, '' for single-stage files. */
  stage: string;
  index: number;
  total: number;
  keyword: string;
  instruction: string;
}

const STEP = /^\[(?:(\S+) )?(?:(\S+) )?(\d+)\/(\d+)\] ([A-Za-z]+)\b(.*)$/s;

export function parseStepName(name: string): ParsedStep | undefined {
  const m = STEP.exec(name);
  if (!m) return undefined;
  const [, a, b, index, total, word, text] = m;
  if (a === 'internal' || a === 'auth') return undefined;
  // BuildKit names a linked copy `LINK COPY --link …` (seen on Docker 28, both stores): the instruction is the COPY.
  const linked = word.toUpperCase() === 'LINK' ? /^\s+(COPY|ADD)\b(.*)$/is.exec(text) : null;
  const [keyword, rest] = linked ? [linked[1], linked[2]] : [word, text];
  // With two prefixes the first is the platform; with one, a `/` means platform of a single-stage build.
  const platform = b !== undefined ? a : a?.includes('/') ? a : undefined;
  const stage = b !== undefined ? b : a?.includes('/') ? '' : (a ?? '');
  return {
    platform,
    stage,
    index: Number(index),
    total: Number(total),
    keyword: keyword.toUpperCase(),
    instruction: `${keyword.toUpperCase()}${rest}`.replace(/\s+/g, ' ').trim(),
  };
}

export interface StepOutcome extends ParsedStep {
  cached: boolean;
  executed: boolean;
  seconds: number;
  error?: string;
}

export interface CacheImport {
  ref: string;
  error?: string;
}

export interface VertexSummary {
  steps: StepOutcome[];
  /** `FROM` vertices: pulled or cached base images (not in the hit ratio). */
  bases: StepOutcome[];
  imports: CacheImport[];
  /** Errors on exporting/pushing vertices (image push, cache export): not build failures by themselves. */
  exportErrors: { vertex: string; error: string }[];
  /** Errors on anything else: the build really failed. */
  buildErrors: { vertex: string; error: string }[];
}

const IMPORT = /^importing cache manifest from (.+)$/;
const EXPORTING = /^(exporting |pushing |writing image|naming to|preparing build cache for export|exporting cache)/;

export function summarizeVertices(vertices: VertexState[]): VertexSummary {
  const summary: VertexSummary = { steps: [], bases: [], imports: [], exportErrors: [], buildErrors: [] };
  for (const v of vertices) {
    const imp = IMPORT.exec(v.name);
    if (imp) {
      summary.imports.push({ ref: imp[1].trim(), ...(v.error ? { error: v.error } : {}) });
      continue;
    }
    const step = parseStepName(v.name);
    if (!step) {
      if (v.error) (EXPORTING.test(v.name) ? summary.exportErrors : summary.buildErrors).push({ vertex: v.name, error: v.error });
      continue;
    }
    const outcome: StepOutcome = {
      ...step,
      cached: v.cached && !v.error,
      executed: !v.cached && !v.error && !v.canceled && v.completed !== undefined,
      seconds: v.cached ? 0 : v.seconds,
      ...(v.error ? { error: v.error } : {}),
    };
    if (v.error) summary.buildErrors.push({ vertex: v.name, error: v.error });
    (step.keyword === 'FROM' ? summary.bases : summary.steps).push(outcome);
  }
  // BuildKit can report one step under two digests (e.g. per platform); keep one per stage/index/platform.
  summary.steps = dedupeSteps(summary.steps);
  return summary;
}

export function stepKey(s: Pick<ParsedStep, 'platform' | 'stage' | 'index'>): string {
  return `${s.platform ?? ''}|${s.stage}|${s.index}`;
}

function dedupeSteps(steps: StepOutcome[]): StepOutcome[] {
  const byKey = new Map<string, StepOutcome>();
  for (const s of steps) {
    const prev = byKey.get(stepKey(s));
    // Prefer the record that says what happened (executed or cached) over a bare one.
    if (!prev || (!prev.cached && !prev.executed && (s.cached || s.executed))) byKey.set(stepKey(s), s);
  }
  return [...byKey.values()];
}
