// The image analysis engine's public face: sources, analyzeImage, and the renderers the CLI uses.
export { analyzeImage, buildAnalysis, type AnalyzeOptions } from './analyze.js';
export {
  daemonImage, imageArchiveFile, imageArchiveStream, registryImage, registryLayerSizes, dockerClient,
  type ImageSource, type RawImage, type RawLayer, type ReadOptions,
} from './sources.js';
export { analysisToJson, ANALYSIS_SCHEMA_VERSION, type AnalysisJson } from './json.js';
export { renderAnalysisTable } from './table.js';
export { cleanCreatedBy, UNKNOWN_INSTRUCTION } from './history.js';
export { ArchiveError } from './archive.js';
export { LayerFormatError } from './layer-scan.js';
export type { ImageAnalysis, LayerAnalysis, LayerFile, Hint } from './types.js';
