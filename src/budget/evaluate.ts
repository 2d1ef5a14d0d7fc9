// Budget rules × measured image (and its diff against the baseline) → pass / warn / fail, with the numbers.
// Relative rules need a baseline: without one they are skipped, not failed, and the verdict says so.
// Growth limits in bytes and percent at the same level act together: a regression counts only when it
// exceeds both, so a tiny image does not fail on percent alone nor a huge one on a few bytes.
import type { BudgetRule } from '../config/types.js';
import type { LayerDiff } from '../compare/types.js';
import { approx, imageEstimated, isEstimate } from '../image/estimate.js';
import type { ImageAnalysis } from '../image/types.js';
import type { RuleResult, Verdict, VerdictStatus } from './types.js';
import { formatBytes, formatDelta, formatPercent, formatPercentDelta } from '../core/units.js';

export interface BudgetSubject {
  current: ImageAnalysis;
  diff?: LayerDiff | null;
  /**
   * Any truthy value means a baseline was found (the Baseline or its report summary). Its compressed size is
   * an estimate when its analysis (or summary) says so: growth messages then carry ≈.
   */
  baseline?: unknown;
}

const RELATIVE: BudgetRule['metric'][] = ['growth-bytes', 'growth-percent'];

/** Short name of a rule as people say it: `max size 200 MB (compressed)`, `max growth 10 %`. */
export function describeRule(rule: Pick<BudgetRule, 'metric' | 'limit'>): string {
  switch (rule.metric) {
    case 'compressed-size':
      return `max size ${formatBytes(rule.limit)} (compressed)`;
    case 'size':
      return `max size ${formatBytes(rule.limit)} (uncompressed)`;
    case 'growth-bytes':
      return `max growth ${formatBytes(rule.limit)}`;
    case 'growth-percent':
      return `max growth ${formatPercent(rule.limit)}`;
    case 'layers':
      return `max ${rule.limit} layer${rule.limit === 1 ? '' : 's'}`;
    case 'wasted-bytes':
      return `max wasted ${formatBytes(rule.limit)}`;
    case 'efficiency':
      return `min efficiency ${formatPercent(rule.limit * 100)}`;
    case 'largest-layer':
      return `max layer ${formatBytes(rule.limit)} (uncompressed)`;
  }
}

/** One row per rule as it was set: a joint growth pair (`max-growth: 5MB,10%`) is one rule, one row, one line. */
export interface RuleRow {
  /** `max growth 5.00 MB and 10 %`, `max size 150.0 MB (compressed)`. */
  label: string;
  level: RuleResult['level'];
  status: RuleResult['status'];
  message: string;
  source: string;
  /** The results behind the row: two for a joint growth pair, else one. */
  results: RuleResult[];
}

export function ruleRows(results: RuleResult[]): RuleRow[] {
  const rows: RuleRow[] = [];
  const done = new Set<RuleResult>();
  for (const r of results) {
    if (done.has(r)) continue;
    done.add(r);
    const partner = r.jointWith
      ? results.find((p) => p !== r && !done.has(p) && p.metric === r.jointWith && p.jointWith === r.metric && p.level === r.level)
      : undefined;
    if (partner) done.add(partner);
    const pair = partner ? [r, partner].sort((a) => (a.metric === 'growth-bytes' ? -1 : 1)) : [r];
    rows.push({
      label: pair.length === 2 ? `${describeRule(pair[0])} and ${formatPercent(pair[1].limit)}` : describeRule(r),
      level: r.level,
      status: r.status,
      message: r.message,
      source: r.rule.source,
      results: pair,
    });
  }
  return rows;
}

/** Whether the baseline's compressed size is an estimate: from a Baseline's analysis, an analysis, or a report summary. */
function baselineEstimated(baseline: unknown): boolean {
  const b = baseline as Partial<ImageAnalysis> & { analysis?: ImageAnalysis } | null | undefined;
  if (!b || typeof b !== 'object') return false;
  if (b.analysis) return imageEstimated(b.analysis);
  return Array.isArray(b.layers) ? imageEstimated({ layers: b.layers, compressedSource: b.compressedSource }) : isEstimate(b.compressedSource);
}

export function evaluateBudget(rules: BudgetRule[], subject: BudgetSubject): Verdict {
  const hasBaseline = Boolean(subject.baseline) && Boolean(subject.diff);
  const estimated = { current: imageEstimated(subject.current), growth: imageEstimated(subject.current) || baselineEstimated(subject.baseline) };
  const results = rules.map((rule) => check(rule, subject, hasBaseline, estimated));
  combineGrowth(results, subject, estimated.growth);

  const status: VerdictStatus = results.some((r) => r.status === 'fail')
    ? 'fail'
    : results.some((r) => r.status === 'warn')
      ? 'warn'
      : 'pass';
  const deciding = status === 'pass' ? [] : results.filter((r) => r.status === status);
  const notes: string[] = [];
  const skipped = ruleRows(results).filter((r) => r.status === 'skipped');
  if (skipped.length) {
    const why = hasBaseline ? 'the baseline is empty' : 'no baseline to compare with';
    notes.push(`${skipped.length} relative rule${skipped.length > 1 ? 's' : ''} skipped: ${why}`);
  }
  return { status, results, deciding, summary: summarise(status, deciding, results), notes };
}

/** `compressed growth +12.5 MB (+76.7 %)`, both figures marked ≈ when either image's compressed size is estimated. */
function growthText(diff: LayerDiff, estimated: boolean): string {
  return `compressed growth ${approx(formatDelta(diff.delta.compressedBytes), estimated)} (${approx(formatPercentDelta(diff.delta.compressedPercent), estimated)})`;
}

function check(rule: BudgetRule, s: BudgetSubject, hasBaseline: boolean, estimated: { current: boolean; growth: boolean }): RuleResult {
  const base = { rule, metric: rule.metric, level: rule.level, limit: rule.limit };
  const img = s.current;
  const over = (actual: number, exceeded: boolean, text: string): RuleResult => ({
    ...base,
    actual,
    status: exceeded ? rule.level : 'pass',
    message: `${text} ${exceeded ? 'exceeds' : 'within'} ${describeRule(rule)}`,
  });
  if (RELATIVE.includes(rule.metric)) {
    const diff = s.diff;
    const percent = diff?.delta.compressedPercent ?? null;
    if (!hasBaseline || !diff || (rule.metric === 'growth-percent' && percent === null)) {
      const why = hasBaseline ? 'the baseline is empty' : 'no baseline';
      return { ...base, actual: null, status: 'skipped', message: `${describeRule(rule)} skipped: ${why}` };
    }
    const bytes = diff.delta.compressedBytes;
    const growth = growthText(diff, estimated.growth);
    return rule.metric === 'growth-bytes'
      ? over(bytes, bytes > rule.limit, growth)
      : over(percent as number, (percent as number) > rule.limit, growth);
  }
  switch (rule.metric) {
    case 'compressed-size':
      return over(img.compressedBytes, img.compressedBytes > rule.limit, `compressed size ${approx(formatBytes(img.compressedBytes), estimated.current)}`);
    case 'size':
      return over(img.sizeBytes, img.sizeBytes > rule.limit, `uncompressed size ${formatBytes(img.sizeBytes)}`);
    case 'layers':
      return over(img.layerCount, img.layerCount > rule.limit, `${img.layerCount} layers`);
    case 'wasted-bytes':
      return over(img.wastedBytes, img.wastedBytes > rule.limit, `wasted ${formatBytes(img.wastedBytes)}`);
    case 'efficiency': {
      const below = img.efficiency < rule.limit;
      return {
        ...base,
        actual: img.efficiency,
        status: below ? rule.level : 'pass',
        message: `efficiency ${formatPercent(img.efficiency * 100)} ${below ? 'below' : 'meets'} ${describeRule(rule)}`,
      };
    }
    default: {
      const largest = img.layers.reduce((m, l) => Math.max(m, l.sizeBytes), 0);
      return over(largest, largest > rule.limit, `largest layer ${formatBytes(largest)}`);
    }
  }
}

/**
 * Pairs growth-bytes with growth-percent at the same level: each counts only if both are exceeded. A pair is one
 * rule (jointWith names the partner) when both were checked, or both skipped for want of a baseline.
 */
function combineGrowth(results: RuleResult[], s: BudgetSubject, estimated: boolean): void {
  for (const level of ['warn', 'fail'] as const) {
    const bytes = results.find((r) => r.metric === 'growth-bytes' && r.level === level);
    const pct = results.find((r) => r.metric === 'growth-percent' && r.level === level);
    if (!bytes || !pct || (bytes.status === 'skipped') !== (pct.status === 'skipped')) continue;
    const joint = `${describeRule(bytes.rule)} and ${formatPercent(pct.limit)}`;
    const skipped = bytes.status === 'skipped';
    const both = bytes.status === level && pct.status === level;
    const growth = skipped ? '' : growthText(s.diff!, estimated);
    for (const [r, partner] of [[bytes, pct], [pct, bytes]] as const) {
      r.jointWith = partner.metric;
      if (skipped) {
        r.message = `${joint} skipped: no baseline`; // an empty baseline skips the percent rule only
        continue;
      }
      r.status = both ? level : 'pass';
      r.message = both
        ? `${growth} exceeds ${joint}`
        : `${growth} within ${joint} (counts only when both are exceeded)`;
    }
  }
}

function summarise(status: VerdictStatus, deciding: RuleResult[], results: RuleResult[]): string {
  if (results.length === 0) return 'pass — no budget set';
  if (status === 'pass') {
    const rows = ruleRows(results);
    const checked = rows.filter((r) => r.status !== 'skipped').length;
    return `pass — ${checked} of ${rows.length} rule${rows.length > 1 ? 's' : ''} checked, all within budget`;
  }
  // A joint growth pair is one reason, not two.
  return `${status} — ${ruleRows(deciding).map((r) => r.message).join('; ')}`;
}
