/** A file a layer added or grew, with the bytes it carries. */
export interface LayerFile {
  path: string;
  bytes: number;
  change: 'added' | 'modified';
  /** For a modified file: its size in the layer below. */
  previousBytes?: number;
}

export interface LayerAnalysis {
  index: number;
  diffId: string;
  /** Compressed blob digest when known (registry / OCI layout). */
  digest?: string;
  /** Sum of regular-file bytes in the layer tar (what `docker history` shows). */
  sizeBytes: number;
  /** Bytes a pull downloads for this layer. */
  compressedBytes: number;
  /**
   * Where compressedBytes comes from: 'manifest' = the stored blob / registry manifest size (exact);
   * 'gzip' = computed by gzip -6 over the uncompressed tar (classic-store `docker save` holds no compressed
   * blobs); 'tar' = no compressed size known, the uncompressed tar length stands in (a warning says so).
   */
  compressedSource: 'manifest' | 'gzip' | 'tar';
  /** Layer media type when the source has a manifest. */
  mediaType?: string;
  /** How the blob was stored in the source. */
  compression?: 'gzip' | 'zstd' | 'none';
  /** Cleaned history command, or "unknown instruction" when history cannot be aligned. */
  instruction: string;
  createdBy: string;
  stage?: string;
  /** 1-based Dockerfile line, when the build came from a known Dockerfile. */
  line?: number;
  files: { added: number; modified: number; deleted: number };
  topFiles: LayerFile[];
  /** Bytes of this layer's files that a later layer deletes or overwrites. */
  wastedBytes: number;
}

export interface Hint {
  rule: string;
  title: string;
  bytes: number;
  layerIndex: number;
  instruction: string;
  line?: number;
  paths: string[];
  fix: string;
}

export interface ImageAnalysis {
  ref: string;
  id?: string;
  platform?: string;
  /** Sum of the layers' compressedBytes (the config blob is not counted). */
  compressedBytes: number;
  /** Where the layers' compressed sizes come from; 'mixed' when they differ. */
  compressedSource?: LayerAnalysis['compressedSource'] | 'mixed';
  /** Uncompressed: sum of regular-file bytes over all layers. */
  sizeBytes: number;
  layerCount: number;
  wastedBytes: number;
  /** 1 − wasted / size (1 for an empty image). */
  efficiency: number;
  layers: LayerAnalysis[];
  hints: Hint[];
  /** Non-fatal problems met while reading (history mismatch, manifest disagreements, estimates). */
  warnings?: string[];
}
