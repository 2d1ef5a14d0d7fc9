/** One Dockerfile instruction inside a stage, as written (continuations joined). */
export interface Instruction {
  keyword: string; // upper-case: RUN, COPY, …
  /** 1-based Dockerfile line where the instruction starts. */
  line: number;
  text: string;
}

export type StageBase = { kind: 'image'; ref: string } | { kind: 'stage'; name: string } | { kind: 'scratch' };

/** Why a stage needs something: its FROM, a COPY --from, a RUN --mount from=, or a parent's ONBUILD trigger. */
export interface StageUse {
  via: 'from' | 'copy' | 'mount' | 'onbuild';
  /** Set when the source is a stage (its `name`), else `image` is. */
  stage?: string;
  image?: string;
  line: number;
}

export interface Stage {
  /**
   * Lower-cased `AS` name; unnamed stages use their index as name ("0", "1", …). An earlier definition of
   * a duplicated name also uses its index: BuildKit's `--target` and `--from` reach only the last one.
   */
  name: string;
  /** True when `docker build --target <name>` builds this stage (unnamed and shadowed stages: false). */
  named: boolean;
  /** The `AS` name as written in the file (lower-cased), also for shadowed duplicates. */
  declaredName?: string;
  index: number;
  line: number;
  base: StageBase;
  platform?: string;
  /** Names of the stages this one needs (FROM, COPY --from, RUN --mount from=), deduplicated. */
  dependsOn: string[];
  /** Every stage and external image this stage reads from, with the line that says so. */
  uses: StageUse[];
  /** The stage's instructions, FROM first, ONBUILD lines included (keyword ONBUILD). */
  instructions: Instruction[];
  /**
   * ONBUILD triggers of the base stage: they run first in this stage and make this stage's first layers.
   * Keyword and text are the trigger's (`COPY . /src`), line is the ONBUILD line. Absent when there are none.
   */
  triggers?: Instruction[];
}

export interface StageGraph {
  file: string;
  stages: Stage[];
  target: string;
  /** Stages the target needs, itself last, in a valid build order. */
  needed: string[];
  skipped: string[];
  warnings: string[];
  /** Target platform the graph was resolved for (TARGETPLATFORM), e.g. linux/amd64. */
  platform: string;
  /** Dockerfile frontend version whose rules it was resolved with (`1.7`, `1.11.0`, `latest`; see rules.ts). */
  frontend?: string;
  /**
   * The `# syntax=` directive, when present: BuildKit then pulls that frontend image (network needed) and
   * its rules apply instead of the engine's built-in ones.
   */
  syntax?: string;
}
