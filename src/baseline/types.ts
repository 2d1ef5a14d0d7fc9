import type { Baseline } from '../compare/types.js';

/** Which baseline to look for: one per image key (matrix jobs) and branch. */
export interface BaselineKey {
  imageKey: string;
  branch: string;
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
