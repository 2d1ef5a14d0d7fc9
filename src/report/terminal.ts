// The comparison and verdict for a terminal (the CLI's `run` and `analyze --baseline`). Pure.
import { formatBytes, formatDelta, formatPercentDelta } from '../core/units.js';
import type { Report } from './types.js';

export function renderComparison(report: Report): string {
  const out: string[] = [];
  const base = report.baseline;
  if (base && report.diff) {
    const d = report.diff.delta;
    out.push(
      `compared with ${base.source} baseline${base.branch ? ` (branch ${base.branch})` : ''}${base.ref ? ` ${base.ref}` : ''}:`,
      `  compressed   ${formatBytes(report.image.compressedBytes)} (${formatDelta(d.compressedBytes)}, ${formatPercentDelta(d.compressedPercent)})`,
      `  uncompressed ${formatBytes(report.image.sizeBytes)} (${formatDelta(d.sizeBytes)}, ${formatPercentDelta(d.sizePercent)})`,
      `  layers: ${report.diff.counts.changed} changed, ${report.diff.counts.added} added, ${report.diff.counts.removed} removed, ${report.diff.counts.unchanged} unchanged`,
    );
  } else {
    out.push(`no baseline: ${report.baselineMissing ?? 'none found'}`);
  }
  out.push(`verdict: ${report.verdict.summary}`);
  for (const r of report.verdict.deciding) out.push(`  ${r.status}: ${r.message}`);
  for (const note of report.verdict.notes) out.push(`  note: ${note}`);
  return out.join('\n');
}
