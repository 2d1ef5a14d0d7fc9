// Budget rules × measured image (and its diff against the baseline) → pass / warn / fail, with the numbers.
// Relative rules need a baseline: without one they are skipped, not failed, and the verdict says so.
// Growth limits in bytes and percent at the same level act together: a regression counts only when it
// exceeds both, so a tiny image does not fail on percent alone nor a huge one on a few bytes.
import type { BudgetRule } from '../config/types.js';
import type { LayerDiff } from '../compare/types.js';
import type { ImageAnalysis } from '../image/types.js';
import type { RuleResult, Verdict, VerdictStatus } from './types.js';
import { formatBytes, formatDelta, formatPercent, formatPercentDelta } from '../core/units.js';

export interface BudgetSubject {
  current: ImageAnalysis;
  diff?: LayerDiff | null;
  /** Any truthy value means a baseline was found (the Baseline or its report summary). */
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

export function evaluateBudget(rules: BudgetRule[], subject: BudgetSubject): Verdict {
  const hasBaseline = Boolean(subject.baseline) && Boolean(subject.diff);
  const results = rules.map((rule) => check(rule, subject, hasBaseline));
  combineGrowth(results, subject);

  const status: VerdictStatus = results.some((r) => r.status === 'fail')
    ? 'fail'
    : results.some((r) => r.status === 'warn')
      ? 'warn'
      : 'pass';
  const deciding = status === 'pass' ? [] : results.filter((r) => r.status === status);
  const notes: string[] = [];
  const skipped = results.filter((r) => r.status === 'skipped');
  if (skipped.length) {
    const why = hasBaseline ? 'the baseline is empty' : 'no baseline to compare with';
    notes.push(`${skipped.length} relative rule${skipped.length > 1 ? 's' : ''} skipped: ${why}`);
  }
  return { status, results, deciding, summary: summarise(status, deciding, results), notes };
}

function check(rule: BudgetRule, s: BudgetSubject, hasBaseline: boolean): RuleResult {
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
    const growth = `compressed growth ${formatDelta(bytes)} (${formatPercentDelta(percent)})`;
    return rule.metric === 'growth-bytes'
      ? over(bytes, bytes > rule.limit, growth)
      : over(percent as number, (percent as number) > rule.limit, growth);
  }
  switch (rule.metric) {
    case 'compressed-size':
      return over(img.compressedBytes, img.compressedBytes > rule.limit, `compressed size ${formatBytes(img.compressedBytes)}`);
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

/** Pairs growth-bytes with growth-percent at the same level: each counts only if both are exceeded. */
function combineGrowth(results: RuleResult[], s: BudgetSubject): void {
  for (const level of ['warn', 'fail'] as const) {
    const bytes = results.find((r) => r.metric === 'growth-bytes' && r.level === level && r.status !== 'skipped');
    const pct = results.find((r) => r.metric === 'growth-percent' && r.level === level && r.status !== 'skipped');
    if (!bytes || !pct) continue;
    const both = bytes.status === level && pct.status === level;
    const growth = `compressed growth ${formatDelta(s.diff!.delta.compressedBytes)} (${formatPercentDelta(s.diff!.delta.compressedPercent)})`;
    const joint = `${describeRule(bytes.rule)} and ${formatPercent(pct.limit)}`;
    for (const [r, partner] of [[bytes, pct], [pct, bytes]] as const) {
      r.jointWith = partner.metric;
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
    const checked = results.filter((r) => r.status !== 'skipped').length;
    return `pass — ${checked} of ${results.length} rule${results.length > 1 ? 's' : ''} checked, all within budget`;
  }
  // A joint growth pair is one reason, not two.
  const seen = new Set<RuleResult>();
  const reasons: string[] = [];
  for (const r of deciding) {
    if (seen.has(r)) continue;
    seen.add(r);
    const partner = r.jointWith ? deciding.find((p) => p.metric === r.jointWith && p.level === r.level) : undefined;
    if (partner) seen.add(partner);
    reasons.push(r.message);
  }
  return `${status} — ${reasons.join('; ')}`;
}
