// The analysis as the documented JSON (docs/analysis.schema.json): what `layerwise analyze --json` writes.
import type { Hint, ImageAnalysis } from './types.js';

export const ANALYSIS_SCHEMA_VERSION = 1;

export interface AnalysisJson {
  schemaVersion: number;
  image: Omit<ImageAnalysis, 'hints' | 'warnings'>;
  hints: Hint[];
  warnings: string[];
}

export function analysisToJson(a: ImageAnalysis): AnalysisJson {
  const { hints, warnings, ...image } = a;
  return { schemaVersion: ANALYSIS_SCHEMA_VERSION, image, hints, warnings: warnings ?? [] };
}
