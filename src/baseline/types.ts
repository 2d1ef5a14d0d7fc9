import type { ImageAnalysis } from '../image/types.js';

/** Which baseline to look for: one per image key (matrix jobs) and branch. */
export interface BaselineKey {
  imageKey: string;
  branch: string;
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

/** One place a baseline may be found; stores are tried in order and the first hit wins. */
export interface BaselineStore {
  readonly name: string;
  load(key: BaselineKey): Promise<Baseline | undefined>;
}

/** A store that branch runs write to (the @actions/cache one). */
export interface WritableBaselineStore extends BaselineStore {
  save(key: BaselineKey, baseline: Baseline): Promise<void>;
}
