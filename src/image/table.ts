// The terminal view of an analysis: totals, one row per layer (sizes, instruction, Dockerfile line), the
// largest files, then the hints with their fixes. Plain text, fits 120 columns.
import { formatBytes } from '../core/units.js';
import type { ImageAnalysis } from './types.js';

const INSTRUCTION_WIDTH = 64;

function clip(s: string, width: number): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

function table(head: string[], rows: string[][], rightAligned: Set<number>): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w) => '─'.repeat(w))), ...rows.map(fmt)];
}

export function renderAnalysisTable(a: ImageAnalysis, opts: { topFiles?: number } = {}): string {
  const out: string[] = [];
  const estimated = a.layers.some((l) => l.compressedSource === 'gzip');
  out.push(`${a.ref}${a.platform ? ` (${a.platform})` : ''}${a.id ? `  ${a.id.slice(0, 19)}` : ''}`);
  out.push(
    `  compressed ${formatBytes(a.compressedBytes)}${estimated ? ' (gzip-computed: no compressed blobs in the source)' : ''}` +
      ` · uncompressed ${formatBytes(a.sizeBytes)} · ${a.layerCount} layers · wasted ${formatBytes(a.wastedBytes)}` +
      ` · efficiency ${(a.efficiency * 100).toFixed(1)}%`,
  );
  out.push('');
  const rows = a.layers.map((l) => [
    String(l.index + 1),
    formatBytes(l.sizeBytes),
    `${l.compressedSource === 'gzip' ? '≈' : ''}${formatBytes(l.compressedBytes)}`,
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
        out.push(`    ${formatBytes(f.bytes).padStart(9)}  /${f.path}${f.change === 'modified' ? ` modified${grew}` : ''}`);
      }
    }
  }
  out.push('');
  if (!a.hints.length) out.push('Hints: none — no known leftovers or cross-layer cleanups found.');
  else {
    out.push('Hints:');
    for (const h of a.hints) {
      const where = h.line ? `line ${h.line}` : `layer ${h.layerIndex + 1}`;
      out.push(`  ${formatBytes(h.bytes).padStart(9)}  ${h.title} — ${where}: ${clip(h.instruction, 60)}`);
      if (h.paths.length) out.push(`             ${h.paths.slice(0, 3).join(', ')}${h.paths.length > 3 ? ', …' : ''}`);
      out.push(`             fix: ${h.fix}`);
    }
  }
  for (const w of a.warnings ?? []) out.push(`warning: ${w}`);
  return out.join('\n');
}
