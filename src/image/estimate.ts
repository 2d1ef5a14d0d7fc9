// Which compressed sizes are measured and which are estimates. Only a stored blob's size (a manifest, an OCI
// layout, a registry) is what a pull downloads; a gzip computation or the uncompressed tar length standing in is
// an estimate, and every place that shows one marks it with ≈.
import type { ImageAnalysis, LayerAnalysis } from './types.js';

export const ESTIMATE_MARK = '≈';

export function isEstimate(source: LayerAnalysis['compressedSource'] | ImageAnalysis['compressedSource']): boolean {
  return source !== undefined && source !== 'manifest';
}

/** True when any layer's compressed size is an estimate (so the image total is one too). */
export function imageEstimated(img: Pick<ImageAnalysis, 'layers' | 'compressedSource'>): boolean {
  return isEstimate(img.compressedSource) || img.layers.some((l) => isEstimate(l.compressedSource));
}

/** `≈12.3 MB` for an estimate, the figure alone when measured. */
export function approx(text: string, estimated: boolean): string {
  return estimated ? `${ESTIMATE_MARK}${text}` : text;
}

/** The image's compressed-size source as one value: `manifest` only when every layer's size was measured. */
export function compressedSourceOf(img: Pick<ImageAnalysis, 'layers' | 'compressedSource'>): NonNullable<ImageAnalysis['compressedSource']> {
  if (!imageEstimated(img)) return 'manifest';
  const sources = new Set(img.layers.map((l) => l.compressedSource));
  return sources.size === 1 ? img.layers[0].compressedSource : isEstimate(img.compressedSource) ? img.compressedSource! : 'mixed';
}
