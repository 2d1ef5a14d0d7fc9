// The comparison and verdict for a terminal (the CLI's `run` and `analyze --baseline`). Pure. Every string from
// the image, the baseline or a report goes through termText; a joint growth rule prints once; estimates show ≈.
import { ruleRows } from '../budget/evaluate.js';
import { termText } from '../core/terminal-text.js';
import { formatBytes, formatDelta, formatPercentDelta } from '../core/units.js';
import { approx } from '../image/estimate.js';
import { estimatesOf } from './estimates.js';
import type { Report } from './types.js';

export function renderComparison(report: Report): string {
  const out: string[] = [];
  const base = report.baseline;
  const est = estimatesOf(report);
  if (base && report.diff) {
    const d = report.diff.delta;
    const compressed = `${approx(formatBytes(report.image.compressedBytes), est.current)} (${approx(formatDelta(d.compressedBytes), est.change)}, ${approx(formatPercentDelta(d.compressedPercent), est.change)})`;
    out.push(
      `compared with ${termText(base.source)} baseline${base.branch ? ` (branch ${termText(base.branch)})` : ''}${base.ref ? ` ${termText(base.ref)}` : ''}:`,
      `  compressed   ${compressed}${est.change ? '  ≈ estimated' : ''}`,
      `  uncompressed ${formatBytes(report.image.sizeBytes)} (${formatDelta(d.sizeBytes)}, ${formatPercentDelta(d.sizePercent)})`,
      `  layers: ${report.diff.counts.changed} changed, ${report.diff.counts.added} added, ${report.diff.counts.removed} removed, ${report.diff.counts.unchanged} unchanged`,
    );
  } else {
    out.push(`no baseline: ${termText(report.baselineMissing ?? 'none found')}`);
  }
  out.push(`verdict: ${termText(report.verdict.summary)}`);
  for (const r of ruleRows(report.verdict.deciding)) out.push(`  ${r.status}: ${termText(r.message)}`);
  for (const note of report.verdict.notes) out.push(`  note: ${termText(note)}`);
  return out.join('\n');
}
