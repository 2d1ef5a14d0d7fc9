// The PR comment / job summary body. Pure. Under `maxChars` (GitHub's comment limit is 65 536) the least
// important blocks go first — unchanged layers, the chart, file lists, cache details, hints — then the layer
// and rule tables lose their smallest rows; the comment says what was left out.
import { estimatesOf } from './estimates.js';
import type { Report } from './types.js';
import {
  baselineLine,
  budgetSection,
  cacheSection,
  chartSection,
  checksSection,
  filesSection,
  headline,
  hintsSection,
  layersSection,
  plainLayersSection,
  totalsTable,
  unchangedSection,
  warningsSection,
} from './sections.js';

export interface MarkdownOptions {
  /** Longest allowed result, in characters (JS string length, as GitHub counts). Default 65 536. */
  maxChars?: number;
  /** Where readers find everything when the comment was cut. */
  fullReportHint?: string;
}

interface Block {
  name: string;
  /** Render at a given size; `rows` is the most table rows (Infinity = all). */
  render: (rows: number) => string;
  /** Lower is dropped first; undefined = never dropped (only shrunk). */
  drop?: number;
  shrinks?: boolean;
}

const FOOTER =
  '<sub>Compressed = what a pull downloads; uncompressed = bytes of the files in the layers. Decimal units: 1 MB = 10^6 bytes. Made by layerwise.</sub>';

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 65_536;
  const hint = options.fullReportHint ?? 'The job summary and the JSON report have everything.';
  const hasDiff = Boolean(report.diff && report.baseline);
  const est = estimatesOf(report);
  const blocks: Block[] = [
    { name: 'headline', render: () => headline(report) },
    { name: 'baseline', render: () => baselineLine(report) },
    { name: 'totals', render: () => totalsTable(report) },
    { name: 'budget rules', render: (rows) => budgetSection(report.verdict, rows), shrinks: true },
    { name: 'warnings', render: () => warningsSection(report.warnings), drop: 6 },
    {
      name: 'layer table',
      render: (rows) => (hasDiff ? layersSection(report.diff!, est, rows) : plainLayersSection(report.image, rows)),
      shrinks: true,
    },
    { name: 'unchanged layers', render: () => (hasDiff ? unchangedSection(report.diff!, est) : ''), drop: 0 },
    { name: 'junk hints', render: () => hintsSection(report.image), drop: 5 },
    { name: 'Dockerfile checks', render: () => checksSection(report.build), drop: 5.5 },
    { name: 'file lists', render: () => filesSection(report), drop: 2 },
    { name: 'build cache', render: () => cacheSection(report.build), drop: 3 },
    { name: 'composition chart', render: () => chartSection(report.image), drop: 1 },
    { name: 'footer', render: () => FOOTER, drop: 4 },
  ];
  return fit(memo(blocks), maxChars, hint);
}

/** Each block renders once per row limit: fitting tries many combinations. */
function memo(blocks: Block[]): Block[] {
  return blocks.map((b) => {
    const seen = new Map<number, string>();
    return {
      ...b,
      render: (rows: number) => {
        let text = seen.get(rows);
        if (text === undefined) seen.set(rows, (text = b.render(rows)));
        return text;
      },
    };
  });
}

function compose(blocks: Block[], dropped: Set<string>, rows: number, note: string): string {
  const parts = blocks.filter((b) => !dropped.has(b.name)).map((b) => b.render(b.shrinks ? rows : Infinity));
  if (note) parts.splice(1, 0, note);
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}

function cutNote(dropped: string[], rows: number, maxChars: number, hint: string): string {
  const what = [...dropped];
  if (rows !== Infinity) what.push(`table rows beyond the ${rows} largest`);
  return what.length ? `> ✂️ Cut to fit the ${maxChars.toLocaleString('en-US')}-character limit: left out ${what.join(', ')}. ${hint}` : '';
}

function fit(blocks: Block[], maxChars: number, hint: string): string {
  const dropped = new Set<string>();
  let rows = Infinity;
  const attempt = () => compose(blocks, dropped, rows, cutNote([...dropped], rows, maxChars, hint));
  let text = attempt();
  const droppable = blocks.filter((b) => b.drop !== undefined).sort((a, b) => (a.drop as number) - (b.drop as number));
  for (const b of droppable) {
    if (text.length <= maxChars) return text;
    if (!b.render(Infinity)) continue; // an empty block costs nothing
    dropped.add(b.name);
    text = attempt();
  }
  if (text.length <= maxChars) return text;
  // Shrink the tables: most rows that still fit (binary search).
  let lo = 0;
  let hi = 10_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    rows = mid;
    if (attempt().length <= maxChars) lo = mid;
    else hi = mid - 1;
  }
  rows = lo;
  text = attempt();
  if (text.length <= maxChars) return text;
  // Last resort (absurd limits or a hostile report): cut at a line end; the note is the second line.
  const cut = text.slice(0, Math.max(0, maxChars - 2));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n'))).trimEnd()}\n`.slice(0, maxChars);
}
