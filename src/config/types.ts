/** Everything the user decides, typed and validated. Built by src/config only (inputs, flags, file). */
export type CacheMode = 'auto' | 'inline' | 'registry' | 'gha';
export type ActionMode = 'build' | 'report' | 'prune';
export type RuleLevel = 'warn' | 'fail';

export interface BuildConfig {
  dockerfile: string;
  context: string;
  target?: string;
  buildArgs: Record<string, string>;
  /** `id=…,src=…` / `id=…,env=…` entries passed through as `--secret`. */
  secrets: string[];
  platforms: string[];
  noCache: boolean;
  /** Run BuildKit's Dockerfile checks first and fail on a violation. */
  checks: boolean;
  builder?: string;
  tags: string[];
  push: boolean;
  /** Labels for the final image. */
  labels: Record<string, string>;
  /** Where the final image is loaded for measurement (`--load`). */
  load: boolean;
}

export interface CacheConfig {
  /** Cache repository, e.g. `ghcr.io/acme/app-buildcache`. Undefined → caching off. */
  repo?: string;
  mode: CacheMode;
  /** Scope written by this run, e.g. `br-main`, `pr-42`; derived from the run context unless set. */
  scope?: string;
  fallbackScopes: string[];
  /** Allow same-repository PRs to write their own `pr-<n>` scope. */
  writePrScope: boolean;
  /** Most `--cache-from` refs passed to one build. */
  maxSources: number;
}

export interface BudgetRule {
  metric:
    | 'compressed-size'
    | 'size'
    | 'growth-bytes'
    | 'growth-percent'
    | 'layers'
    | 'wasted-bytes'
    | 'efficiency'
    | 'largest-layer';
  /** Bytes, a count, a percent (0–100) or an efficiency ratio (0–1), by metric. */
  limit: number;
  level: RuleLevel;
  /** Where the rule came from, for error messages: `input max-size`, `.github/layerwise.yml:4`. */
  source: string;
}

export interface Config {
  mode: ActionMode;
  /** Key that separates sticky comments and baselines of matrix jobs (default: the target or image name). */
  imageKey: string;
  build: BuildConfig;
  cache: CacheConfig;
  budget: BudgetRule[];
  budgetFile?: string;
  topFiles: number;
  githubToken?: string;
  /** Post the sticky PR comment (the job summary is always written). */
  comment: boolean;
  commentAuthor: string;
  /** Build a fork's head under pull_request_target only when the user opts in. */
  allowUntrustedBuild: boolean;
  skipUnchanged: boolean;
  /** Self-hosted runners: remove the intermediate stage images this run labelled, after measuring. */
  cleanupIntermediateImages: boolean;
  reportPath: string;
  prune: { retention: string; dryRun: boolean };
}
