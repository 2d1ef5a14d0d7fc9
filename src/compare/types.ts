import type { ImageAnalysis } from '../image/types.js';

/** How one layer of the current image relates to the baseline image. */
export type LayerStatus = 'unchanged' | 'changed' | 'added' | 'removed';

/** The two sizes every layer and image carries. Compressed: what a pull downloads. Uncompressed: file bytes. */
export interface LayerSizes {
  compressedBytes: number;
  sizeBytes: number;
}

/** A file that appeared in, or grew within, a changed or added layer. */
export interface FileDelta {
  path: string;
  /** Bytes in the base layer; undefined when the file was not among the base layer's listed top files. */
  baseBytes?: number;
  currentBytes: number;
  /** currentBytes − (baseBytes ?? 0). */
  deltaBytes: number;
  change: 'appeared' | 'grew';
}

export interface LayerDelta {
  status: LayerStatus;
  /** Position in the current image (absent for removed layers). */
  index?: number;
  /** Position in the base image (absent for added layers). */
  baseIndex?: number;
  /** The current layer's instruction (the base layer's for removed ones). */
  instruction: string;
  /** The base layer's instruction, when it differs from `instruction`. */
  baseInstruction?: string;
  line?: number;
  stage?: string;
  diffId?: string;
  baseDiffId?: string;
  /** How the pair was found: shared prefix / same content elsewhere, same normalised instruction, or position. */
  matchedBy?: 'prefix' | 'diffId' | 'instruction' | 'position';
  /** Unchanged content found at a different position than in the base (layer reorder). */
  moved?: boolean;
  base?: LayerSizes;
  current?: LayerSizes;
  /** current − base (a removed layer's delta is negative, an added layer's is its size). */
  delta: LayerSizes;
  /** For changed and added layers: files that appeared or grew most, largest delta first. */
  files: FileDelta[];
}

export interface ImageTotals extends LayerSizes {
  layerCount: number;
  wastedBytes: number;
}

export interface LayerDiff {
  base: ImageTotals;
  current: ImageTotals;
  delta: ImageTotals & {
    /** Relative change in percent (0–∞); null when the base size is 0. */
    compressedPercent: number | null;
    sizePercent: number | null;
  };
  /** In current-image order; removed layers sit where they were in the base. */
  layers: LayerDelta[];
  counts: Record<LayerStatus, number>;
  /** Layers shared from the bottom by DiffID (usually the base image). */
  sharedPrefix: number;
  /** Same layers (DiffIDs) in the same order. */
  identical: boolean;
  /** Caveats about the numbers, e.g. compressed sizes measured differently in the two images. */
  notes?: string[];
}

/** The image a PR is compared against, and where it came from (the report says so). */
export interface Baseline {
  /** `file`: a JSON report given to the CLI; `image`: an image given to the CLI (daemon, archive or registry). */
  source: 'actions-cache' | 'registry' | 'file' | 'image';
  branch?: string;
  commit?: string;
  /** Image ref or cache key it was read from. */
  ref?: string;
  analysis: ImageAnalysis;
}
