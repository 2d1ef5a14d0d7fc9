// Plain-data images for the pure tests: layers described by instruction, content id and sizes.
import type { ImageAnalysis, LayerAnalysis, LayerFile } from '../../../src/image/types.js';

export interface LayerSpec {
  id: string;
  createdBy: string;
  size: number;
  compressed?: number;
  line?: number;
  files?: [string, number][];
  wasted?: number;
  /** Default `manifest` (measured); `gzip` / `tar` make the compressed size an estimate. */
  source?: LayerAnalysis['compressedSource'];
}

export function layer(spec: LayerSpec, index = 0): LayerAnalysis {
  const topFiles: LayerFile[] = (spec.files ?? []).map(([path, bytes]) => ({ path, bytes, change: 'added' }));
  return {
    index,
    diffId: `sha256:${spec.id.padEnd(64, '0')}`,
    sizeBytes: spec.size,
    compressedBytes: spec.compressed ?? Math.round(spec.size / 2),
    compressedSource: spec.source ?? 'manifest',
    instruction: spec.createdBy.replace(/ # buildkit$/, '').replace(/^RUN \/bin\/sh -c /, 'RUN '),
    createdBy: spec.createdBy,
    line: spec.line,
    files: { added: topFiles.length, modified: 0, deleted: 0 },
    topFiles,
    wastedBytes: spec.wasted ?? 0,
  };
}

export function image(ref: string, specs: LayerSpec[]): ImageAnalysis {
  const layers = specs.map((s, i) => layer(s, i));
  const sizeBytes = layers.reduce((n, l) => n + l.sizeBytes, 0);
  const wastedBytes = layers.reduce((n, l) => n + l.wastedBytes, 0);
  return {
    ref,
    compressedBytes: layers.reduce((n, l) => n + l.compressedBytes, 0),
    sizeBytes,
    layerCount: layers.length,
    wastedBytes,
    efficiency: sizeBytes ? 1 - wastedBytes / sizeBytes : 1,
    layers,
    hints: [],
  };
}

export const BASE = { id: 'a1', createdBy: 'COPY busybox /bin/ # buildkit', size: 1_000_000, compressed: 500_000 };
