// analyzeImage: an image source → ImageAnalysis. The sources stream and scan; everything after the scan
// (stacking, history, Dockerfile lines, junk) is plain computation on per-file metadata.
import type { StageGraph } from '../dockerfile/types.js';
import { hostPlatformName } from '../core/platform.js';
import { attributeLayers, finalStageChain } from './attribute.js';
import { alignHistory, UNKNOWN_INSTRUCTION, type HistoryEntry } from './history.js';
import { findJunk } from './junk.js';
import type { ImageSource, RawImage } from './sources.js';
import { stackLayers } from './stack.js';
import type { ImageAnalysis, LayerAnalysis } from './types.js';

export interface AnalyzeOptions {
  /** Largest added/modified files kept per layer (default 10). */
  topFiles?: number;
  /** The Dockerfile's stage graph, to name the stage and line of each layer. */
  graph?: StageGraph;
  /** `os/arch[/variant]` to pick from multi-platform images; default the runner's. */
  platform?: string;
  /** Compressed sizes by DiffID (e.g. from `registryLayerSizes` after a push); skips the gzip estimate. */
  compressedSizes?: Map<string, number>;
}

export async function analyzeImage(source: ImageSource, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const raw = await source.read({
    platform: opts.platform ?? hostPlatformName(),
    explicitPlatform: opts.platform !== undefined,
    compressedSizes: opts.compressedSizes,
  });
  return buildAnalysis(raw, opts);
}

/** The pure half: a read image → the analysis. Exported for tests and for callers holding a RawImage. */
export function buildAnalysis(raw: RawImage, opts: Pick<AnalyzeOptions, 'topFiles' | 'graph'> = {}): ImageAnalysis {
  const topN = opts.topFiles ?? 10;
  const warnings = [...raw.warnings];
  const history = alignHistory(raw.config.history as HistoryEntry[] | undefined, raw.layers.length);
  if (history.warning) warnings.push(history.warning);
  const stacked = stackLayers(raw.layers.map((l) => l.scan.entries), topN);
  const sources = opts.graph ? attributeLayers(history.instructions, opts.graph) : [];
  const base = opts.graph ? baseImageLabel(opts.graph) : undefined;
  const firstOwn = sources.findIndex(Boolean);
  const instructionOf = (i: number) =>
    // Layers below the Dockerfile's own, with no instruction of their own, are the base image's.
    base && !history.warning && history.instructions[i] === UNKNOWN_INSTRUCTION && (firstOwn === -1 || i < firstOwn) ? base : history.instructions[i];
  const layers: LayerAnalysis[] = raw.layers.map((l, i) => {
    const s = stacked.layers[i];
    return {
      index: i,
      diffId: l.diffId,
      ...(l.digest ? { digest: l.digest } : {}),
      sizeBytes: s.sizeBytes,
      compressedBytes: l.compressedBytes,
      compressedSource: l.compressedSource,
      ...(l.mediaType ? { mediaType: l.mediaType } : {}),
      compression: l.scan.compression,
      instruction: instructionOf(i),
      createdBy: history.createdBy[i],
      ...(sources[i] ? { stage: sources[i]!.stage, line: sources[i]!.line } : {}),
      files: s.files,
      topFiles: s.topFiles,
      wastedBytes: s.wastedBytes,
    };
  });
  const unusual = raw.layers.reduce((n, l) => n + l.scan.unusualEntries, 0);
  if (unusual) warnings.push(`${unusual} tar entr${unusual === 1 ? 'y' : 'ies'} of unknown or sparse type counted as regular files (stored bytes)`);
  return {
    ref: raw.ref,
    ...(raw.id ? { id: raw.id } : {}),
    ...(raw.platform ? { platform: raw.platform } : {}),
    ...imageTotals(layers),
    layers,
    hints: findJunk(stacked.survivors, stacked.shadows, layers.map((l) => ({ instruction: l.instruction, line: l.line }))),
    warnings,
  };
}

/** The image's figures from its layers': sizes, waste, efficiency, and where the compressed sizes came from. */
export function imageTotals(layers: LayerAnalysis[]): Pick<ImageAnalysis, 'compressedBytes' | 'compressedSource' | 'sizeBytes' | 'layerCount' | 'wastedBytes' | 'efficiency'> {
  const sizeBytes = layers.reduce((n, l) => n + l.sizeBytes, 0);
  const wastedBytes = layers.reduce((n, l) => n + l.wastedBytes, 0);
  return {
    compressedBytes: layers.reduce((n, l) => n + l.compressedBytes, 0),
    compressedSource: summarise(layers.map((l) => l.compressedSource)),
    sizeBytes,
    layerCount: layers.length,
    wastedBytes,
    efficiency: sizeBytes === 0 ? 1 : 1 - wastedBytes / sizeBytes,
  };
}

function summarise(sources: LayerAnalysis['compressedSource'][]): LayerAnalysis['compressedSource'] | 'mixed' {
  const set = new Set(sources);
  return set.size === 0 ? 'manifest' : set.size === 1 ? sources[0] : 'mixed';
}

/** `base image <ref>` for the image the final stage chain starts from, when it is one. */
function baseImageLabel(graph: StageGraph): string | undefined {
  const root = finalStageChain(graph)[0];
  return root?.base.kind === 'image' ? `base image ${root.base.ref}` : undefined;
}
