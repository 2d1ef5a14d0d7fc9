import type { Baseline } from '../compare/types.js';
import type { BuildRecord } from '../buildx/types.js';
import type { LayerDiff } from '../compare/types.js';
import type { Verdict } from '../budget/types.js';
import type { ImageAnalysis } from '../image/types.js';

export const REPORT_SCHEMA_VERSION = 1;

/** Where the run happened; every field optional (the CLI may know none of them). */
export interface ReportContext {
  repository?: string;
  sha?: string;
  branch?: string;
  pr?: number;
}

/** The baseline compared against, without its full analysis (the diff carries what matters). */
export interface BaselineSummary {
  source: Baseline['source'];
  branch?: string;
  commit?: string;
  ref?: string;
  compressedBytes: number;
  /** Where the baseline's compressed sizes came from (anything but `manifest` is an estimate, shown with ≈). */
  compressedSource?: ImageAnalysis['compressedSource'];
  sizeBytes: number;
  layerCount: number;
}

/** The JSON report (docs/report.schema.json): everything the markdown shows, and more. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  imageKey: string;
  /** ISO 8601. */
  generatedAt: string;
  context: ReportContext;
  image: ImageAnalysis;
  baseline: BaselineSummary | null;
  /** Why there is no baseline (first run, stores tried, …); set when baseline is null. */
  baselineMissing?: string;
  /** Stores tried, in order, with their outcome: `actions-cache: miss`, `registry: …`. */
  baselineTried: string[];
  diff: LayerDiff | null;
  verdict: Verdict;
  build: BuildRecord | null;
  warnings: string[];
}
