// The terminal view of an analysis: totals, one row per layer (sizes, instruction, Dockerfile line), the
// largest files, then the hints with their fixes. Plain text, fits 120 columns.
import { termText } from '../core/terminal-text.js';
import { formatBytes } from '../core/units.js';
import { approx, imageEstimated, isEstimate } from './estimate.js';
import type { ImageAnalysis } from './types.js';

const INSTRUCTION_WIDTH = 64;

/** One line of at most `width` characters, control characters shown as escapes. */
function clip(s: string, width: number): string {
  const flat = termText(s.replace(/[ \t\r\n]+/g, ' '));
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

function table(head: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '─'.repeat(w))), ...rows.map(fmt)];
}

export function renderAnalysisTable(a: ImageAnalysis, opts: { topFiles?: number } = {}): string {
  const out: string[] = [];
  const estimated = imageEstimated(a);
  out.push(`${termText(a.ref)}${a.platform ? ` (${termText(a.platform)})` : ''}${a.id ? `  ${termText(a.id.slice(0, 19))}` : ''}`);
  out.push(
    `  compressed ${approx(formatBytes(a.compressedBytes), estimated)}${estimated ? ` (≈ estimated: ${estimateReason(a)})` : ''}` +
      ` · uncompressed ${formatBytes(a.sizeBytes)} · ${a.layerCount} layers · wasted ${formatBytes(a.wastedBytes)}` +
      ` · efficiency ${(a.efficiency * 100).toFixed(1)}%`,
  );
  out.push('');
  const rows = a.layers.map((l) => [
    String(l.index + 1),
    formatBytes(l.sizeBytes),
    approx(formatBytes(l.compressedBytes), isEstimate(l.compressedSource)),
    l.wastedBytes ? formatBytes(l.wastedBytes) : '',
    l.line ? `${l.line}` : '',
    clip(l.instruction, INSTRUCTION_WIDTH),
  ]);
  out.push(...table(['#', 'size', 'compressed', 'wasted', 'line', 'instruction'], rows, new Set([0, 1, 2, 3, 4])));
  const perLayer = opts.topFiles ?? 3;
  const withFiles = a.layers.filter((l) => l.topFiles.length && l.sizeBytes > 0);
  if (perLayer > 0 && withFiles.length) {
    out.push('', 'Largest files per layer:');
    for (const l of withFiles) {
      out.push(`  layer ${l.index + 1}${l.line ? ` (line ${l.line})` : ''}:`);
      for (const f of l.topFiles.slice(0, perLayer)) {
        const grew = f.previousBytes !== undefined ? ` (was ${formatBytes(f.previousBytes)})` : '';
        out.push(`    ${formatBytes(f.bytes).padStart(9)}  /${termText(f.path)}${f.change === 'modified' ? ` modified${grew}` : ''}`);
      }
    }
  }
  out.push('');
  if (!a.hints.length) out.push('Hints: none — no known leftovers or cross-layer cleanups found.');
  else {
    out.push('Hints:');
    for (const h of a.hints) {
      const where = `layer ${h.layerIndex + 1}${h.line ? ` (line ${h.line})` : ''}`;
      out.push(`  ${formatBytes(h.bytes).padStart(9)}  ${termText(h.title)} — ${where}: ${clip(h.instruction, 60)}`);
      if (h.paths.length) out.push(`             ${h.paths.slice(0, 3).map(termText).join(', ')}${h.paths.length > 3 ? ', …' : ''}`);
      out.push(`             fix: ${termText(h.fix)}`);
    }
  }
  for (const w of a.warnings ?? []) out.push(`warning: ${termText(w)}`);
  return out.join('\n');
}

/** Why the compressed figures are estimates, from the layers' sources. */
function estimateReason(a: ImageAnalysis): string {
  const sources = new Set(a.layers.map((l) => l.compressedSource));
  const why = [];
  if (sources.has('gzip')) why.push('gzip of layers the source holds uncompressed');
  if (sources.has('tar')) why.push('the uncompressed tar length where no compressed size is known');
  return why.join('; ') || 'not read from stored blobs';
}
