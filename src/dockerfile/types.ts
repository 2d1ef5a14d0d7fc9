/** One Dockerfile instruction inside a stage, as written (continuations joined). */
export interface Instruction {
  keyword: string; // upper-case: RUN, COPY, …
  /** 1-based Dockerfile line where the instruction starts. */
  line: number;
  text: string;
}

export type StageBase = { kind: 'image'; ref: string } | { kind: 'stage'; name: string } | { kind: 'scratch' };

export interface Stage {
  /** Lower-cased `AS` name; unnamed stages use their index as name ("0", "1", …). */
  name: string;
  named: boolean;
  index: number;
  line: number;
  base: StageBase;
  platform?: string;
  /** Names of the stages this one needs (FROM, COPY --from, RUN --mount from=), deduplicated. */
  dependsOn: string[];
  instructions: Instruction[];
}

export interface StageGraph {
  file: string;
  stages: Stage[];
  target: string;
  /** Stages the target needs, itself last, in a valid build order. */
  needed: string[];
  skipped: string[];
  warnings: string[];
}
