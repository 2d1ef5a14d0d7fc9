import type { DockerfileCheck } from './checks.js';
import type { Config } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import type { StageGraph } from '../dockerfile/types.js';

/** What one run's build needs: the config, the stage graph, the run context, and the content key to label. */
export interface BuildInputs {
  config: Config;
  graph: StageGraph;
  ctx: RunContext;
  /** Carried by the final image and the final stage's cache image as `dev.layerwise.content-key`. */
  contentKey?: string;
}

/** What one `docker buildx build` did, step by step, read from its progress output. */
export interface BuildStep {
  stage: string;
  /** Cleaned instruction, e.g. `RUN apt-get update`. */
  instruction: string;
  line?: number;
  /** Position in its stage as BuildKit counts it (`[deps 2/4]` → 2; FROM is 1). */
  index?: number;
  cached: boolean;
  seconds: number;
  error?: string;
}

export interface StageBuild {
  name: string;
  steps: number;
  cachedSteps: number;
  seconds: number;
  /** Cache ref holding this stage's cache after the run: pushed now, or unchanged and still current. */
  cacheRef?: string;
  /** This run pushed the stage's cache. */
  pushed: boolean;
  /** `unchanged`: every step came from that ref's cache, so it was not re-exported (moby/buildkit#2274). */
  cacheWrite?: 'pushed' | 'unchanged' | 'failed';
  cacheFrom: string[];
  stepDetails: BuildStep[];
}

export interface CacheSourceStatus {
  ref: string;
  status: 'imported' | 'missing' | 'error';
  detail?: string;
}

export interface BuildRecord {
  stages: StageBuild[];
  cacheSources: CacheSourceStatus[];
  /** Dockerfile steps only (internal vertices and FROM excluded). */
  totalSteps: number;
  cachedSteps: number;
  cacheHitRatio: number;
  /** Wall time of the builds (they may overlap, so not the sum of the invocations' seconds). */
  seconds: number;
  mode: 'inline' | 'registry' | 'gha';
  imageId?: string;
  digest?: string;
  /** Non-fatal problems: cache push denied, registry down, … */
  warnings: string[];
  /** BuildKit's Dockerfile check warnings, each once across all stage builds, in line order. */
  checks?: DockerfileCheck[];
  /** Cache repository used (absent when caching was off). */
  cacheRepo?: string;
  /** Scopes read and written, and why (the report explains a missing cache write with it). */
  cachePolicy?: { readScopes: string[]; writeScope?: string; reason: string };
  /** Gha mode: how much of the repository's Actions-cache quota the stage caches use (when the token may read it). */
  actionsCache?: { stageBytes: number; stageEntries: number; totalBytes: number; quotaBytes: number; quotaKnown: boolean };
  /** Each `docker buildx build` run: what it built and how long it took. */
  invocations?: { kind: 'stage' | 'image'; stage: string; target?: string; seconds: number; cacheFrom: number; writes?: string }[];
  /** Bytes sent as build context (files not excluded by .dockerignore). */
  context?: { bytes: number; files: number; largest: { path: string; bytes: number }[]; warning?: string };
  /** Set when the build was skipped because its inputs did not change. */
  /** `stored`: found as a result an earlier run stored by content key (no image at `ref`, the entry holding it). */
  upToDate?: { key: string; ref: string; secondsSaved?: number; stored?: boolean };
}
