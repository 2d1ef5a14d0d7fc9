// Which compressed figures of a report are estimates (marked ≈ wherever they are shown). The current image's
// layers say it themselves; the baseline says it in its summary (reports older than that field: measured).
import type { LayerDelta } from '../compare/types.js';
import { imageEstimated, isEstimate } from '../image/estimate.js';
import type { Report } from './types.js';

export interface Estimates {
  current: boolean;
  baseline: boolean;
  /** Current minus baseline: an estimate when either side is. */
  change: boolean;
  any: boolean;
  layer(index: number | undefined): boolean;
  /** A layer row of the diff: its current size, and its change (which also involves the baseline's layer). */
  delta(l: LayerDelta): { current: boolean; change: boolean };
}

export function estimatesOf(r: Report): Estimates {
  const current = imageEstimated(r.image);
  const baseline = Boolean(r.baseline) && isEstimate(r.baseline?.compressedSource);
  const layer = (index: number | undefined) => index !== undefined && isEstimate(r.image.layers[index]?.compressedSource);
  return {
    current,
    baseline,
    change: current || baseline,
    any: current || baseline,
    layer,
    delta: (l) => ({ current: layer(l.index), change: layer(l.index) || (l.base !== undefined && baseline) }),
  };
}

/** The footnote that explains ≈, naming what stood in for the compressed size. */
export function estimateNote(r: Report): string {
  const sources = new Set(r.image.layers.map((l) => l.compressedSource));
  const how: string[] = [];
  if (sources.has('gzip')) how.push('gzip -6 of layers the source held uncompressed');
  if (sources.has('tar')) how.push('the uncompressed tar length where no compressed size was known (an upper bound)');
  if (r.baseline && isEstimate(r.baseline.compressedSource)) how.push("the baseline's compressed size is an estimate");
  return `_≈ estimated, not measured: ${how.join('; ')}._`;
}
