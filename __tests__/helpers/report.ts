// A Report made the way the pipeline makes one: compare with the baseline, judge the budget, then assemble.
import { evaluateBudget } from '../../src/budget/evaluate.js';
import { compareImages } from '../../src/compare/compare.js';
import type { BudgetRule } from '../../src/config/types.js';
import { buildReport, type ReportParts } from '../../src/report/build.js';
import type { Report } from '../../src/report/types.js';

/** What the pipeline hands its compare, budget and report steps. */
export type ReportInputs = Omit<ReportParts, 'diff' | 'verdict'> & { rules?: BudgetRule[]; topFiles?: number };

export function reportFrom(parts: ReportInputs): Report {
  const { rules = [], topFiles, ...rest } = parts;
  const baseline = parts.baseline ?? null;
  const diff = baseline ? compareImages(baseline.analysis, parts.image, { topFiles }) : null;
  return buildReport({ ...rest, diff, verdict: evaluateBudget(rules, { current: parts.image, diff, baseline }) });
}
