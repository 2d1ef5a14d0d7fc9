// The parts of the markdown report, each a self-contained block (so the fitter can drop whole blocks).
// Numbers are labelled compressed/uncompressed, estimates marked ≈; every dynamic string goes through esc (prose),
// code (names) or proseWithCode (fix hints). Layers are numbered from 1, bottom first, everywhere people read them
// (the JSON's `index` stays 0-based).
import type { BuildRecord } from '../buildx/types.js';
import { ruleRows } from '../budget/evaluate.js';
import type { RuleResult, Verdict } from '../budget/types.js';
import { formatBytes, formatDelta, formatPercent, formatPercentDelta } from '../core/units.js';
import type { LayerDelta, LayerDiff } from '../compare/types.js';
import { approx, isEstimate } from '../image/estimate.js';
import type { ImageAnalysis, LayerAnalysis } from '../image/types.js';
import { isRuleDocUrl } from '../buildx/checks.js';
import { code, esc, mermaidLabel, proseWithCode, truncate } from './escape.js';
import { estimateNote, estimatesOf, type Estimates } from './estimates.js';
import type { Report } from './types.js';

export const ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;
const STATUS = { unchanged: 'unchanged', changed: '✏️ changed', added: '🆕 added', removed: '🗑️ removed' } as const;
const SOURCE = { 'actions-cache': 'the Actions cache', registry: 'the cache registry', file: 'a report file', image: 'an image' } as const;

const n = (v: number) => (Number.isFinite(v) ? v : 0);
const line = (l?: number) => (typeof l === 'number' && Number.isFinite(l) ? `${l}` : '');
/** The number people read for a 0-based layer index: 1 is the bottom layer, as in the terminal and the hints. */
export const layerNumber = (index: number | undefined) => (typeof index === 'number' && Number.isFinite(index) ? `${index + 1}` : '?');

/** `app: 212.4 MB compressed (+38.1 MB, +21.9 %) — max growth 10 %` after the verdict icon. */
export function headline(r: Report): string {
  const est = estimatesOf(r);
  const size = `${approx(formatBytes(n(r.image.compressedBytes)), est.current)} compressed`;
  const delta = r.diff && r.baseline
    ? ` (${approx(formatDelta(n(r.diff.delta.compressedBytes)), est.change)}, ${approx(formatPercentDelta(r.diff.delta.compressedPercent), est.change)})`
    : ' (no baseline)';
  return `### ${ICON[r.verdict.status]} ${esc(truncateKey(r.imageKey))}: ${size}${delta} — ${verdictReason(r.verdict)}`;
}

function truncateKey(key: string): string {
  return key.length > 100 ? `${key.slice(0, 99)}…` : key;
}

function verdictReason(v: Verdict): string {
  if (v.status === 'pass') return v.results.length ? 'within budget' : 'no budget set';
  // One label per rule as set (a joint growth pair is one); built from numbers and metric names: nothing to escape.
  const labels = [...new Set(ruleRows(v.deciding).map((row) => row.label))];
  return labels.slice(0, 3).join(', ') + (labels.length > 3 ? ` and ${labels.length - 3} more` : '');
}

/** Current / baseline / change, every column labelled; estimated compressed figures marked ≈ and explained. */
export function totalsTable(r: Report): string {
  const img = r.image;
  const est = estimatesOf(r);
  const rows = [
    '| | Compressed (pull) | Uncompressed (files) | Layers | Wasted (uncompressed) | Efficiency |',
    '|---|--:|--:|--:|--:|--:|',
    `| **This image** | ${approx(formatBytes(n(img.compressedBytes)), est.current)} | ${formatBytes(n(img.sizeBytes))} | ${n(img.layerCount)} | ${formatBytes(n(img.wastedBytes))} | ${formatPercent(n(img.efficiency) * 100)} |`,
  ];
  const hasDiff = Boolean(r.diff && r.baseline);
  if (r.diff && r.baseline) {
    const b = r.diff.base;
    const d = r.diff.delta;
    rows.push(`| Baseline | ${approx(formatBytes(n(b.compressedBytes)), est.baseline)} | ${formatBytes(n(b.sizeBytes))} | ${n(b.layerCount)} | ${formatBytes(n(b.wastedBytes))} | |`);
    rows.push(
      `| Change | ${approx(formatDelta(n(d.compressedBytes)), est.change)} (${approx(formatPercentDelta(d.compressedPercent), est.change)}) | ${formatDelta(n(d.sizeBytes))} (${formatPercentDelta(d.sizePercent)}) | ${signed(n(d.layerCount))} | ${formatDelta(n(d.wastedBytes))} | |`,
    );
  }
  const shown = est.current || (hasDiff && est.baseline);
  return shown ? `${rows.join('\n')}\n\n${estimateNote(r)}` : rows.join('\n');
}

function signed(v: number): string {
  return v > 0 ? `+${v}` : v === 0 ? '±0' : `${v}`;
}

export function baselineLine(r: Report): string {
  const b = r.baseline;
  if (!b) {
    return `**Baseline:** none — ${esc(truncate(r.baselineMissing ?? 'no baseline found', 300))}. Relative rules (growth) were skipped, not failed.`;
  }
  const parts = [b.branch ? `branch ${code(b.branch, 60)}` : 'unknown branch'];
  if (b.commit) parts.push(`commit ${code(b.commit.slice(0, 12), 12)}`);
  const from = `from ${SOURCE[b.source] ?? esc(String(b.source))}${b.ref ? ` (${code(b.ref, 100, true)})` : ''}`;
  const identical = r.diff?.identical ? ' — identical layers' : '';
  return `**Baseline:** ${parts.join(', ')}, ${from}${identical}.`;
}

export function budgetSection(v: Verdict, maxRows = Infinity): string {
  if (v.results.length === 0) return `**Budget:** none set (inputs \`max-size\`, \`max-growth\`, … or a budget file).`;
  const icon = (s: RuleResult['status']) => (s === 'skipped' ? '⏭️ skipped' : s === 'pass' ? '✅ pass' : `${ICON[s]} ${s}`);
  const all = ruleRows(v.results);
  const shown = all.slice(0, maxRows);
  const rows = shown.map((r) => `| ${r.label} | ${esc(r.level)} | ${icon(r.status)} | ${esc(truncate(r.message, 300))} | ${code(r.source ?? '', 60, true)} |`);
  const more = all.length - shown.length;
  return [
    `**Budget:** ${ICON[v.status]} ${esc(truncate(v.summary, 500))}`,
    ...v.notes.slice(0, 5).map((note) => `_${esc(truncate(note, 200))}_`),
    '',
    '| Rule | Level | Result | Measured | Set in |',
    '|---|---|---|---|---|',
    ...rows,
    ...(more > 0 ? [`| _${more} more rules not shown_ | | | | |`] : []),
  ].join('\n');
}

function layerRow(l: LayerDelta, est: Estimates): string {
  const idx = l.index !== undefined ? layerNumber(l.index) : `base ${layerNumber(l.baseIndex)}`;
  const cur = l.current;
  const e = est.delta(l);
  const status = `${STATUS[l.status] ?? esc(String(l.status))}${l.moved ? ' (moved)' : ''}`;
  const compressed = `${cur ? approx(formatBytes(n(cur.compressedBytes)), e.current) : '—'} (${approx(formatDelta(n(l.delta.compressedBytes)), e.change)})`;
  const uncompressed = `${cur ? formatBytes(n(cur.sizeBytes)) : '—'} (${formatDelta(n(l.delta.sizeBytes))})`;
  return `| ${idx} | ${code(l.instruction)} | ${line(l.line)} | ${compressed} | ${uncompressed} | ${status} |`;
}

// Size and change share a cell (`127.4 MB (+65.6 MB)`): six columns fit a comment's width.
const LAYER_HEAD = ['| # | Instruction | Line | Compressed (Δ) | Uncompressed (Δ) | Status |', '|--:|---|--:|--:|--:|---|'];

/** Changed/added/removed layers (at most maxRows, biggest change kept), unchanged ones counted. */
export function layersSection(diff: LayerDiff, est: Estimates, maxRows = Infinity): string {
  const moved = diff.layers.filter((l) => l.status !== 'unchanged' || l.moved);
  const keep = new Set(
    [...moved].sort((a, b) => Math.abs(n(b.delta.compressedBytes)) - Math.abs(n(a.delta.compressedBytes))).slice(0, maxRows),
  );
  const rows = moved.filter((l) => keep.has(l)).map((l) => layerRow(l, est));
  const c = diff.counts;
  const notes = (diff.notes ?? []).slice(0, 3).map((note) => ` _${esc(truncate(note, 300))}_`).join('');
  const summary = `**Layers:** ${c.changed} changed, ${c.added} added, ${c.removed} removed, ${c.unchanged} unchanged.${notes}`;
  if (moved.length === 0) return `${summary} Same layers as the baseline.`;
  const hidden = moved.length - rows.length;
  return [summary, '', ...LAYER_HEAD, ...rows, ...(hidden > 0 ? [`| | _${hidden} smaller changes not shown_ | | | | |`] : [])].join('\n');
}

export function unchangedSection(diff: LayerDiff, est: Estimates): string {
  const same = diff.layers.filter((l) => l.status === 'unchanged' && !l.moved);
  if (same.length === 0) return '';
  const bytes = same.reduce((s, l) => s + n(l.current?.compressedBytes ?? 0), 0);
  const estimated = same.some((l) => est.layer(l.index));
  return details(
    `${same.length} unchanged layer${same.length > 1 ? 's' : ''} (${approx(formatBytes(bytes), estimated)} compressed)`,
    [...LAYER_HEAD, ...same.map((l) => layerRow(l, est))].join('\n'),
  );
}

/** Without a baseline: every layer with its sizes. */
export function plainLayersSection(img: ImageAnalysis, maxRows = Infinity): string {
  const biggest = new Set([...img.layers].sort((a, b) => n(b.compressedBytes) - n(a.compressedBytes)).slice(0, maxRows));
  const rows = img.layers
    .filter((l) => biggest.has(l))
    .map((l) => `| ${layerNumber(l.index)} | ${code(l.instruction)} | ${line(l.line)} | ${approx(formatBytes(n(l.compressedBytes)), isEstimate(l.compressedSource))} | ${formatBytes(n(l.sizeBytes))} | ${formatBytes(n(l.wastedBytes))} |`);
  const hidden = img.layers.length - rows.length;
  return [
    `**Layers:** ${img.layers.length}.`,
    '',
    '| # | Instruction | Line | Compressed | Uncompressed | Wasted (uncompressed) |',
    '|--:|---|--:|--:|--:|--:|',
    ...rows,
    ...(hidden > 0 ? [`| | _${hidden} smaller layers not shown_ | | | | |`] : []),
  ].join('\n');
}

/** Files that appeared or grew in each changed layer (or, without a baseline, the biggest layers' files). */
export function filesSection(r: Report): string {
  const blocks: string[] = [];
  if (r.diff && r.baseline) {
    for (const l of r.diff.layers.filter((x) => x.files.length > 0)) {
      const rows = l.files.map(
        (f) => `| ${code(rooted(f.path), 100, true)} | ${formatBytes(n(f.currentBytes))} | ${f.baseBytes === undefined ? `${formatDelta(n(f.deltaBytes))} (new)` : formatDelta(n(f.deltaBytes))} |`,
      );
      blocks.push(layerTitle(l.index, l.instruction, l.line), '', '| File | Size (uncompressed) | Δ |', '|---|--:|--:|', ...rows, '');
    }
  } else {
    const biggest = [...r.image.layers].sort((a, b) => n(b.sizeBytes) - n(a.sizeBytes)).slice(0, 5);
    for (const l of biggest.filter((x) => x.topFiles.length > 0)) {
      const rows = l.topFiles.map((f) => `| ${code(rooted(f.path), 100, true)} | ${formatBytes(n(f.bytes))} | ${esc(String(f.change))} |`);
      blocks.push(layerTitle(l.index, l.instruction, l.line), '', '| File | Size (uncompressed) | Change |', '|---|--:|---|', ...rows, '');
    }
  }
  if (blocks.length === 0) return '';
  const title = r.diff && r.baseline ? 'Biggest new or grown files in changed layers' : 'Biggest files in the largest layers';
  return details(`📄 ${title}`, blocks.join('\n').trimEnd());
}

/** Layer tars name files without the leading slash; people read them as absolute paths. */
function rooted(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function layerTitle(index: number | undefined, instruction: string, l?: number): string {
  return `**Layer ${layerNumber(index)}** ${code(instruction)}${line(l) ? ` (Dockerfile line ${line(l)})` : ''}`;
}

export function hintsSection(img: ImageAnalysis, maxHints = Infinity): string {
  if (img.hints.length === 0) return '';
  const total = img.hints.reduce((s, h) => s + n(h.bytes), 0);
  const items = img.hints.slice(0, maxHints).map((h) => {
    const where = `layer ${layerNumber(h.layerIndex)} ${code(h.instruction)}${line(h.line) ? `, Dockerfile line ${line(h.line)}` : ''}`;
    const paths = h.paths.slice(0, 5).map((p) => code(p, 80, true)).join(', ');
    const more = h.paths.length > 5 ? ` and ${h.paths.length - 5} more` : '';
    return `- **${esc(truncate(h.title, 160))}**: ${formatBytes(n(h.bytes))} (uncompressed) in ${where}${paths ? ` — ${paths}${more}` : ''}.<br>Fix: ${proseWithCode(h.fix, 300)}`;
  });
  const hidden = img.hints.length - items.length;
  if (hidden > 0) items.push(`- _${hidden} more hints in the JSON report_`);
  return details(`💡 ${img.hints.length} hint${img.hints.length > 1 ? 's' : ''}: ${formatBytes(total)} (uncompressed) of junk found`, items.join('\n'));
}

/** BuildKit's Dockerfile checks, each once, in line order; a rule links to its page on docs.docker.com only. */
export function checksSection(b: BuildRecord | null, max = 30): string {
  const checks = b?.checks ?? [];
  if (checks.length === 0) return '';
  const items = checks.slice(0, max).map((c) => {
    const docs = c.url && isRuleDocUrl(c.url) ? ` ([docs](${c.url}))` : '';
    return `- ${line(c.line) ? `line ${line(c.line)} · ` : ''}${code(c.rule, 64)}: ${esc(truncate(c.message, 300))}${docs}`;
  });
  if (checks.length > max) items.push(`- _${checks.length - max} more in the JSON report_`);
  const title = `🔎 ${checks.length} Dockerfile check warning${checks.length > 1 ? 's' : ''} from BuildKit`;
  return details(title, `${items.join('\n')}\n\nSkip a rule with \`# check=skip=<rule>\` at the top of the Dockerfile.`);
}

export function cacheSection(b: BuildRecord | null): string {
  if (!b) return '';
  const pct = formatPercent(Math.round(n(b.cacheHitRatio) * 1000) / 10);
  const title = b.upToDate
    ? `🧱 Build skipped: ${b.upToDate.stored ? 'an earlier run stored the result for the same inputs' : 'an image for the same inputs exists'} (${code(b.upToDate.ref, 100, true)})${b.upToDate.secondsSaved ? `, about ${seconds(b.upToDate.secondsSaved)} saved` : ''}`
    : `🧱 Build cache: ${n(b.cachedSteps)} of ${n(b.totalSteps)} steps cached (${pct}), ${seconds(b.seconds)} (${esc(String(b.mode))} mode)`;
  const rows = b.stages.map((s) => {
    const missed = s.stepDetails.filter((x) => !x.cached).reduce((t, x) => t + n(x.seconds), 0);
    const write = s.cacheWrite ?? (s.pushed ? 'pushed' : undefined);
    const how = write === 'pushed' ? 'pushed' : write === 'unchanged' ? 'unchanged, still current' : write === 'failed' ? '⚠️ push failed' : 'read only';
    const cache = s.cacheRef ? `${how}: ${code(s.cacheRef, 80, true)}` : 'not written';
    return `| ${code(s.name, 40)} | ${n(s.cachedSteps)} / ${n(s.steps)} | ${seconds(s.seconds)} | ${seconds(missed)} | ${cache} |`;
  });
  const sources = b.cacheSources.map((c) => {
    const icon = c.status === 'imported' ? '✅' : c.status === 'missing' ? '➖' : '⚠️';
    return `- ${icon} ${esc(String(c.status))} ${code(c.ref, 100, true)}${c.detail ? ` — ${esc(c.detail.slice(0, 200))}` : ''}`;
  });
  const body = [
    ...(rows.length
      ? ['| Stage | Steps cached | Time | Time on cache misses | Stage cache |', '|---|--:|--:|--:|---|', ...rows, '']
      : []),
    ...(sources.length ? ['**Cache sources**', '', ...sources, ''] : ['_No cache sources were used._', '']),
    ...quotaLine(b.actionsCache),
    ...b.warnings.slice(0, 20).map((w) => `- ⚠️ ${esc(w.slice(0, 300))}`),
  ];
  return details(title, body.join('\n').trimEnd());
}

/** Gha mode: the stage caches' share of the repository's Actions-cache quota (GitHub evicts beyond it). */
function quotaLine(q: BuildRecord['actionsCache']): string[] {
  if (!q) return [];
  const share = q.quotaBytes > 0 ? formatPercent(Math.round((n(q.stageBytes) / n(q.quotaBytes)) * 1000) / 10) : '?';
  const quota = `${formatBytes(n(q.quotaBytes))}${q.quotaKnown ? '' : ' (GitHub\'s default)'}`;
  return [`🗄️ Actions cache: stage caches use ${formatBytes(n(q.stageBytes))} in ${n(q.stageEntries)} entries, ${share} of the repository's ${quota}; all caches ${formatBytes(n(q.totalBytes))}.`, ''];
}

function seconds(s: number): string {
  return `${n(s).toFixed(1)} s`;
}

/** A pie chart of compressed bytes per layer: the 8 biggest and the rest together. */
export function chartSection(img: ImageAnalysis): string {
  const estimated = sizedLayers(img).some((l) => isEstimate(l.compressedSource));
  const sized = sizedLayers(img);
  if (sized.length === 0) return '';
  const total = sized.reduce((s, l) => s + n(l.compressedBytes), 0);
  const [unit, factor] = total >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
  const top = [...sized].sort((a, b) => n(b.compressedBytes) - n(a.compressedBytes)).slice(0, 8);
  const rest = sized.filter((l) => !top.includes(l));
  const slice = (label: string, bytes: number) => `    "${label}" : ${Number((bytes / factor).toPrecision(4))}`;
  const lines = [...top]
    .sort((a, b) => a.index - b.index)
    .map((l: LayerAnalysis) => slice(mermaidLabel(`L${layerNumber(l.index)} ${l.instruction}`), n(l.compressedBytes)));
  if (rest.length) lines.push(slice(`${rest.length} other layers`, rest.reduce((s, l) => s + n(l.compressedBytes), 0)));
  return details(
    `📊 What the image is made of (${estimated ? '≈ estimated ' : ''}compressed size by layer)`,
    ['```mermaid', `pie showData title Compressed size by layer (${estimated ? '≈ ' : ''}${unit})`, ...lines, '```'].join('\n'),
  );
}

function sizedLayers(img: ImageAnalysis): LayerAnalysis[] {
  return img.layers.filter((l) => n(l.compressedBytes) > 0);
}

export function warningsSection(warnings: string[]): string {
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, 20).map((w) => `- ⚠️ ${esc(w.slice(0, 300))}`);
  if (warnings.length > 20) shown.push(`- _${warnings.length - 20} more warnings in the JSON report_`);
  return ['**Warnings**', '', ...shown].join('\n');
}

/** A collapsed block; blank lines around the body so GFM renders the markdown inside the HTML block. */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
