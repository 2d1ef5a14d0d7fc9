// Every report this action makes is cut to what report mode accepts, so a fork's comment is never lost to our
// own validator: the validator's shapes run in fitting mode (lists shortened, numbers clamped, strings cut),
// then the JSON is kept under the file size report mode reads, dropping detail in a fixed order. Each cut is
// named in the report's warnings. Pure.
import type { ImageAnalysis } from '../image/types.js';
import { jsonBytes, LIST_LIMITS, MAX_REPORT_BYTES, STRING_LIMITS } from '../core/report-limits.js';
import { cutString, ShapeError, type Fit } from './shape.js';
import type { Report } from './types.js';
import { fitImageAnalysis, fitReport } from './untrusted.js';

/** Room kept below MAX_REPORT_BYTES for the warnings that say what was cut. */
const SIZE_MARGIN = 64 * 1024;

/** The report within every limit report mode checks, with a warning for each kind of cut. */
export function limitReport(report: Report): Report {
  const cuts = new CutLog();
  let out: Report;
  try {
    out = fitReport(report, cuts);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    // A report that breaks its own schema is a bug: the build still stands, and a warning says report mode will
    // refuse it.
    return withWarnings(report, [`this report breaks its schema at ${err.message}: report mode would refuse it`]);
  }
  // The warnings list says itself how many it left out; the other cuts get a warning each. Room is kept for
  // the notes of shrinkToSize, which runs on the final list (its cuts apply to warnings too).
  const notes = cuts.summary('report cut to the limits report mode accepts', ['$.warnings']);
  const fitted = withWarnings({ ...out, warnings: report.warnings }, notes, fitsFile(out) ? 0 : SHRINK_NOTES);
  const shrunk = shrinkToSize(fitted);
  return shrunk.length ? { ...fitted, warnings: [...fitted.warnings, ...shrunk] } : fitted;
}

/** An image analysis within the limits a stored baseline is read back with; cuts are reported through `warn`. */
export function limitAnalysis(analysis: ImageAnalysis, warn: (message: string) => void): ImageAnalysis {
  const cuts = new CutLog();
  const out = fitImageAnalysis(analysis, cuts);
  cuts.summary('baseline cut to the limits it is read back with').forEach(warn);
  return out;
}

/** Cuts grouped by field (`$.image.layers[3].topFiles` and `[4]` are one group), in the order first met. */
class CutLog implements Fit {
  private groups = new Map<string, { count: number; first: string }>();
  cut(path: string, what: string): void {
    const key = path.replace(/\[\d+\]/g, '[]');
    const g = this.groups.get(key);
    if (g) g.count++;
    else this.groups.set(key, { count: 1, first: what });
  }
  summary(what: string, except: string[] = []): string[] {
    return [...this.groups].filter(([path]) => !except.includes(path)).map(
      ([path, g]) => `${what}: ${path.replace(/^\$\./, '')} ${g.first}${g.count > 1 ? ` (and ${g.count - 1} more like it)` : ''}`,
    );
  }
}

/** Most notes shrinkToSize adds. */
const SHRINK_NOTES = 3;

/**
 * The warnings, cut like the validator cuts them, with `extra` at the end, within the list's limit less `reserve`
 * free places (an entry says how many earlier ones were left out). Always a new list.
 */
function withWarnings(report: Report, extra: string[], reserve = 0): Report {
  const max = LIST_LIMITS.warnings - reserve;
  const added = extra.slice(0, max / 2);
  const room = max - added.length;
  const kept = report.warnings.length <= room
    ? report.warnings
    : [...report.warnings.slice(0, room - 1), `${report.warnings.length - room + 1} more warning(s) left out`];
  return { ...report, warnings: [...kept, ...added].map((w) => cutString(w, STRING_LIMITS.text)) };
}

/** Whether the JSON (as renderJson writes it) stays within the file size, with room for the notes. */
function fitsFile(report: Report): boolean {
  const budget = MAX_REPORT_BYTES - SIZE_MARGIN - 1;
  // Bounds first: they walk values, not characters, and every count stops at the budget, so a report far over
  // (or well under) costs little.
  if (jsonBytes(report, 2, (s) => s.length + 2, budget) > budget) return false;
  if (jsonBytes(report, 2, (s) => 6 * s.length + 2, budget) <= budget) return true;
  return jsonBytes(report, 2, undefined, budget) <= budget;
}

/**
 * Drops detail until the JSON fits: largest-file lists first, then per-step details, then long strings. Each
 * step runs only while the report is still too big. Mutates `report` (a fresh copy from fitReport).
 */
function shrinkToSize(report: Report): string[] {
  if (fitsFile(report)) return [];
  const why = `to keep the JSON report under ${MAX_REPORT_BYTES} bytes`;
  const notes: string[] = [];
  for (const n of [50, 20, 10, 5, 0]) {
    capFileLists(report, n);
    if (fitsFile(report)) return [`largest files cut to ${n} per layer ${why}`];
  }
  notes.push(`largest files dropped ${why}`);
  for (const s of report.build?.stages ?? []) s.stepDetails = [];
  if (report.build) report.build.invocations = [];
  if (fitsFile(report)) return [...notes, `per-step build details dropped ${why}`];
  notes.push(`per-step build details dropped ${why}`);
  // 80 code points keep digests (71) and every enum whole.
  for (const n of [500, 200, 80]) {
    capStrings(report, n);
    if (fitsFile(report)) return [...notes, `strings cut to ${n} characters ${why}`];
  }
  return [...notes, `the JSON report is still ${jsonBytes(report) + 1} bytes: report mode reads at most ${MAX_REPORT_BYTES}`];
}

function capFileLists(report: Report, n: number): void {
  for (const l of report.image.layers) l.topFiles = l.topFiles.slice(0, n);
  for (const h of report.image.hints) h.paths = h.paths.slice(0, Math.max(n, 1));
  for (const l of report.diff?.layers ?? []) l.files = l.files.slice(0, n);
  if (report.build?.context) report.build.context.largest = report.build.context.largest.slice(0, n);
}

/** Every string in the tree cut to `n` code points. */
function capStrings(node: unknown, n: number): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => (typeof v === 'string' ? (node[i] = cutString(v, n)) : capStrings(v, n)));
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string') o[k] = cutString(v, n);
      else capStrings(v, n);
    }
  }
}
