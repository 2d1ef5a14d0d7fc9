/** What the run is, read from the event payload; decides cache writes and whether we may comment. */
export interface RunContext {
  event: string;
  repository: string; // owner/name
  sha: string;
  /** Branch of this run (head branch for PRs). */
  branch?: string;
  defaultBranch?: string;
  pr?: { number: number; baseRef: string; headRef: string; headRepo: string; baseSha?: string };
  fork: boolean;
  actor: string;
  /** Token/permissions must be treated as read-only: fork PR, dependabot, untrusted pull_request_target head. */
  readOnly: boolean;
}
