// Which PR a workflow_run report belongs to: only one whose head is the run's commit, repository and branch
// (issue 12, item 10). Plain data from GitHub's documented webhook payloads.
import { builtByRun, type PullHead } from '../../../src/run-context/report-pr.js';
import { readRunContext } from '../../../src/run-context/event.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

const SHA = 'a'.repeat(40);

/** The run GitHub describes in a workflow_run payload for a fork PR from mallory/app:feature. */
function forkRun(over: { headRepo?: string | null; headBranch?: string | null } = {}) {
  const payload = webhookExample('workflow_run', 'completed', 2) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.repository.full_name = 'acme/app';
  Object.assign(payload.workflow_run, { event: 'pull_request', head_sha: SHA, head_branch: over.headBranch === undefined ? 'feature' : over.headBranch, pull_requests: [] });
  if (over.headRepo === null) payload.workflow_run.head_repository = null;
  else payload.workflow_run.head_repository.full_name = over.headRepo ?? 'mallory/app';
  return readRunContext({ eventName: 'workflow_run', payload, env: {} }).workflowRun!;
}

/** A pull request as GitHub's API returns it (the pull_request of GitHub's example payload), with our head and base. */
function pull(over: { number?: number; headRepo?: string | null; headRef?: string; sha?: string; state?: string; base?: string } = {}): PullHead {
  const pr = (webhookExample('pull_request', 'opened') as any).pull_request; // eslint-disable-line @typescript-eslint/no-explicit-any
  pr.number = over.number ?? 42;
  pr.state = over.state ?? 'open';
  pr.head.sha = over.sha ?? SHA;
  pr.head.ref = over.headRef ?? 'feature';
  pr.head.repo = over.headRepo === null ? null : { ...pr.head.repo, full_name: over.headRepo ?? 'mallory/app' };
  pr.base.repo.full_name = over.base ?? 'acme/app';
  return pr as PullHead;
}

describe('builtByRun', () => {
  test('the fork PR whose head is the run\'s commit, repository and branch', () => {
    expect(builtByRun(pull(), forkRun(), 'acme/app')).toBe(true);
    // GitHub compares repository names without case.
    expect(builtByRun(pull({ headRepo: 'Mallory/App', base: 'ACME/app' }), forkRun(), 'acme/app')).toBe(true);
  });

  test.each([
    ['another fork with the same commit and branch name', { headRepo: 'eve/app' }],
    ['a branch of the base repository the commit was pushed to', { headRepo: 'acme/app', headRef: 'review-42' }],
    ['the same fork, another branch holding the commit', { headRef: 'feature-copy' }],
    ['the head moved on', { sha: 'b'.repeat(40) }],
    ['a closed PR', { state: 'closed' }],
    ['a PR into another repository', { base: 'acme/other' }],
    ['a deleted fork (head.repo null)', { headRepo: null }],
  ])('not %s', (_name, over) => {
    expect(builtByRun(pull(over), forkRun(), 'acme/app')).toBe(false);
  });

  test('a run that names no head repository or branch matches no PR', () => {
    expect(builtByRun(pull(), forkRun({ headRepo: null }), 'acme/app')).toBe(false);
    expect(builtByRun(pull(), forkRun({ headBranch: null }), 'acme/app')).toBe(false);
  });
});
