// Report assembly: the one object both renderers and the JSON artifact come from. Pure, and only assembly:
// the pipeline compares and judges (compare/, budget/) and hands the results in.
import type { Baseline } from '../compare/types.js';
import type { BuildRecord } from '../buildx/types.js';
import type { Verdict } from '../budget/types.js';
import type { LayerDiff } from '../compare/types.js';
import type { RunContext } from '../core/run-context.js';
import { compressedSourceOf } from '../image/estimate.js';
import type { ImageAnalysis } from '../image/types.js';
import { limitReport } from './limit-report.js';
import { REPORT_SCHEMA_VERSION, type BaselineSummary, type Report, type ReportContext } from './types.js';

export interface ReportParts {
  imageKey: string;
  image: ImageAnalysis;
  context?: ReportContext | RunContext;
  baseline?: Baseline | null;
  /** Stores tried while looking for the baseline (findBaseline's `tried`). */
  baselineTried?: string[];
  /** Why there is no baseline; default from `baselineTried`. */
  baselineMissing?: string;
  /** compareImages(baseline, image), or null without a baseline. */
  diff: LayerDiff | null;
  /** evaluateBudget(rules, …). */
  verdict: Verdict;
  build?: BuildRecord | null;
  warnings?: string[];
  generatedAt?: Date | string;
}

/** Assembles the parts the pipeline computed; computes nothing itself. */
export function buildReport(parts: ReportParts): Report {
  const baseline = parts.baseline ?? null;
  const tried = parts.baselineTried ?? [];
  const generatedAt = parts.generatedAt instanceof Date ? parts.generatedAt.toISOString() : (parts.generatedAt ?? new Date().toISOString());
  // Cut to what report mode accepts, so the artifact a fork PR uploads can always be posted.
  return limitReport({
    schemaVersion: REPORT_SCHEMA_VERSION,
    imageKey: parts.imageKey,
    generatedAt,
    context: toReportContext(parts.context),
    image: parts.image,
    baseline: baseline ? summariseBaseline(baseline) : null,
    ...(baseline ? {} : { baselineMissing: parts.baselineMissing ?? missingReason(tried) }),
    baselineTried: tried,
    diff: parts.diff,
    verdict: parts.verdict,
    build: parts.build ?? null,
    warnings: parts.warnings ?? [],
  });
}

/** The JSON artifact: stable key order (as built), two-space indent, trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function summariseBaseline(b: Baseline): BaselineSummary {
  return {
    source: b.source,
    ...(b.branch ? { branch: b.branch } : {}),
    ...(b.commit ? { commit: b.commit } : {}),
    ...(b.ref ? { ref: b.ref } : {}),
    compressedBytes: b.analysis.compressedBytes,
    compressedSource: compressedSourceOf(b.analysis),
    sizeBytes: b.analysis.sizeBytes,
    layerCount: b.analysis.layerCount,
  };
}

function missingReason(tried: string[]): string {
  return tried.length ? `no baseline found (tried ${tried.join('; ')})` : 'no baseline configured';
}

function toReportContext(ctx: ReportContext | RunContext | undefined): ReportContext {
  if (!ctx) return {};
  const pr = typeof ctx.pr === 'number' ? ctx.pr : ctx.pr?.number;
  return {
    ...(ctx.repository ? { repository: ctx.repository } : {}),
    ...(ctx.sha ? { sha: ctx.sha } : {}),
    ...(ctx.branch ? { branch: ctx.branch } : {}),
    ...(pr !== undefined ? { pr } : {}),
  };
}
