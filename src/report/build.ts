// Report assembly: the one object both renderers and the JSON artifact come from. Pure.
import type { Baseline } from '../compare/types.js';
import type { BuildRecord } from '../buildx/types.js';
import { evaluateBudget } from '../budget/evaluate.js';
import type { Verdict } from '../budget/types.js';
import { compareImages } from '../compare/compare.js';
import type { LayerDiff } from '../compare/types.js';
import type { BudgetRule } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import { compressedSourceOf } from '../image/estimate.js';
import type { ImageAnalysis } from '../image/types.js';
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
  /** Computed from the baseline when absent. */
  diff?: LayerDiff | null;
  /** Used to compute the verdict when `verdict` is absent. */
  rules?: BudgetRule[];
  verdict?: Verdict;
  build?: BuildRecord | null;
  warnings?: string[];
  generatedAt?: Date | string;
  /** Most files listed per changed layer in the diff. */
  topFiles?: number;
}

export function buildReport(parts: ReportParts): Report {
  const baseline = parts.baseline ?? null;
  const diff = parts.diff !== undefined ? parts.diff : baseline ? compareImages(baseline.analysis, parts.image, { topFiles: parts.topFiles }) : null;
  const verdict = parts.verdict ?? evaluateBudget(parts.rules ?? [], { current: parts.image, diff, baseline });
  const tried = parts.baselineTried ?? [];
  const generatedAt = parts.generatedAt instanceof Date ? parts.generatedAt.toISOString() : (parts.generatedAt ?? new Date().toISOString());
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    imageKey: parts.imageKey,
    generatedAt,
    context: toReportContext(parts.context),
    image: parts.image,
    baseline: baseline ? summariseBaseline(baseline) : null,
    ...(baseline ? {} : { baselineMissing: parts.baselineMissing ?? missingReason(tried) }),
    baselineTried: tried,
    diff,
    verdict,
    build: parts.build ?? null,
    warnings: parts.warnings ?? [],
  };
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
