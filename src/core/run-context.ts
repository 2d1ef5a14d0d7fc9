/** What the run is, read from the event payload; decides cache writes and whether we may comment. */
export interface RunContext {
  event: string;
  repository: string; // owner/name
  sha: string;
  /** Branch of this run (head branch for PRs). */
  branch?: string;
  defaultBranch?: string;
  pr?: { number: number; baseRef: string; headRef: string; headRepo: string; baseSha?: string; headSha?: string };
  fork: boolean;
  actor: string;
  /** Token/permissions must be treated as read-only: fork PR, dependabot, untrusted pull_request_target head. */
  readOnly: boolean;
  /** Branch this run merges into: the PR base, or the merge queue's base. Baselines and cache fallbacks read it. */
  baseBranch?: string;
  /** The token may write comments (false for fork `pull_request` runs and dependabot, whose tokens are read-only). */
  canComment: boolean;
  /** `pull_request_target` with a fork's head: building it runs untrusted code with a write token and secrets. */
  untrustedHead: boolean;
  /** For `workflow_run` (report mode): the run that triggered this one. Its data is trusted (it comes from GitHub). */
  workflowRun?: {
    id: number;
    event: string;
    conclusion?: string;
    headSha: string;
    headBranch?: string;
    /** owner/name of the head repository (a fork for fork PRs). */
    headRepo?: string;
    /** PR numbers GitHub attached (empty for fork PRs: look the PR up by head sha). */
    pullRequests: number[];
  };
}
