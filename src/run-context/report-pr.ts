// Report mode: a `workflow_run` workflow (base repository context, write token, no fork code checked out) posts
// the comment for a report a `pull_request` run uploaded. The PR is taken from GitHub's own data — the
// workflow_run payload, or an API lookup by the run's head sha for fork PRs (whose `pull_requests` list is
// empty) — never from the artifact.
import { InputError } from '../core/errors.js';
import type { Octokit } from '../github/octokit.js';
import type { RunContext } from '../core/run-context.js';
import type { Logger } from '../core/log.js';

export type PrResolution = { number: number; via: 'payload' | 'head-branch' | 'commit' } | { number?: undefined; reason: string };

/** Checks this is a workflow_run for a pull_request run; throws an InputError otherwise. */
export function requireWorkflowRun(ctx: RunContext): NonNullable<RunContext['workflowRun']> {
  if (ctx.event !== 'workflow_run' || !ctx.workflowRun) {
    throw new InputError(
      `input mode: 'report' runs in a workflow triggered by workflow_run (after the pull_request workflow), got event '${ctx.event}'`,
    );
  }
  return ctx.workflowRun;
}

/** The fields of a pull request (as GitHub's API lists them) that tell which run built it. */
export interface PullHead {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

/**
 * Did the triggering run build this PR? Its head must be the run's commit, repository and branch, its base this
 * repository, and it must be open. The commit alone is not enough: another PR (another fork, or a branch a
 * maintainer pushed the commit to) can have the same head commit.
 */
export function builtByRun(pr: PullHead, run: NonNullable<RunContext['workflowRun']>, repository: string): boolean {
  return (
    pr.state === 'open' &&
    pr.head.sha === run.headSha &&
    run.headBranch !== undefined &&
    pr.head.ref === run.headBranch &&
    sameRepo(pr.head.repo?.full_name, run.headRepo) &&
    sameRepo(pr.base.repo.full_name, repository)
  );
}

/** Repository names compare without case, as GitHub treats them; an unknown one matches nothing. */
function sameRepo(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/** The PR the triggering run built, from trusted data only. */
export async function resolveReportPr(octokit: Octokit, ctx: RunContext): Promise<PrResolution> {
  const run = requireWorkflowRun(ctx);
  if (run.event !== 'pull_request' && run.event !== 'pull_request_target') {
    return { reason: `the triggering run was a '${run.event}' run, not a pull request: nothing to post` };
  }
  if (run.pullRequests.length) return { number: run.pullRequests[0], via: 'payload' };
  if (!run.headRepo || !run.headBranch) {
    return { reason: `the triggering run names no head repository and branch (a deleted fork?): its pull request cannot be told from others with commit ${run.headSha.slice(0, 12)}` };
  }
  const [owner, repo] = ctx.repository.split('/');
  const built = (pr: PullHead) => builtByRun(pr, run, ctx.repository);
  const pulls = await octokit.paginate(octokit.rest.pulls.list, {
    owner, repo, state: 'open', head: `${run.headRepo.split('/')[0]}:${run.headBranch}`, per_page: 100,
  });
  // The branch may have moved on since: only the PR whose head is the commit that was built counts.
  const byBranch = pulls.find(built);
  if (byBranch) return { number: byBranch.number, via: 'head-branch' };
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: run.headSha });
  const byCommit = data.find(built);
  if (byCommit) return { number: byCommit.number, via: 'commit' };
  return { reason: `no open pull request has head ${run.headSha.slice(0, 12)} (${run.headRepo}:${run.headBranch})` };
}

/** Warns when the artifact names another PR than GitHub's data does (a forged or stale artifact). */
export function checkClaimedPr(claimed: number | undefined, actual: number, log: Logger): void {
  if (claimed !== undefined && claimed !== actual) {
    log.warning(`layerwise: the report artifact claims PR #${claimed}, but the triggering run built PR #${actual}; posting to #${actual}`);
  }
}
