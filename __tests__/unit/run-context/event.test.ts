import { readRunContext, untrustedBuildRefusal, branchFromRef } from '../../../src/run-context/event.js';
import { InputError } from '../../../src/core/errors.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

/** Turns a same-repo PR payload into a fork PR, the way GitHub sends one (head.repo is the fork). */
function asFork(payload: Record<string, unknown>, forkOwner = 'mallory'): Record<string, unknown> {
  const pr = payload.pull_request as { head: { repo: { full_name: string; owner: { login: string } }; label: string } };
  pr.head.repo.full_name = `${forkOwner}/Hello-World`;
  pr.head.repo.owner.login = forkOwner;
  pr.head.label = `${forkOwner}:changes`;
  return payload;
}

const runnerEnv = { GITHUB_REPOSITORY: 'Codertocat/Hello-World', GITHUB_SHA: 'abc123', GITHUB_ACTOR: 'Codertocat' };

describe('readRunContext', () => {
  test('push to a branch: branch, default branch, writable', () => {
    const payload = webhookExample('push', undefined, 4);
    const ctx = readRunContext({ eventName: 'push', payload, env: { ...runnerEnv, GITHUB_REF: 'refs/heads/master' } });
    expect(ctx).toMatchObject({ event: 'push', repository: 'Codertocat/Hello-World', branch: 'master', defaultBranch: 'master' });
    expect(ctx.pr).toBeUndefined();
    expect(ctx).toMatchObject({ fork: false, readOnly: false, canComment: true, untrustedHead: false });
  });

  test('push of a tag has no branch', () => {
    const ctx = readRunContext({ eventName: 'push', payload: webhookExample('push'), env: { ...runnerEnv, GITHUB_REF: 'refs/tags/simple-tag' } });
    expect(ctx.branch).toBeUndefined();
  });

  test('same-repo pull_request: PR number, refs and shas from the payload', () => {
    const payload = webhookExample('pull_request', 'opened');
    const ctx = readRunContext({
      eventName: 'pull_request',
      payload,
      env: { ...runnerEnv, GITHUB_REF: 'refs/pull/2/merge', GITHUB_HEAD_REF: 'changes', GITHUB_BASE_REF: 'master' },
    });
    expect(ctx.pr).toEqual({
      number: 2,
      baseRef: 'master',
      headRef: 'changes',
      headRepo: 'Codertocat/Hello-World',
      baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    });
    expect(ctx).toMatchObject({ branch: 'changes', baseBranch: 'master', fork: false, readOnly: false, canComment: true });
  });

  test('fork pull_request: read-only token, no comment, not untrusted-head (nothing privileged runs)', () => {
    const ctx = readRunContext({ eventName: 'pull_request', payload: asFork(webhookExample('pull_request', 'synchronize')), env: runnerEnv });
    expect(ctx.pr?.headRepo).toBe('mallory/Hello-World');
    expect(ctx).toMatchObject({ fork: true, readOnly: true, canComment: false, untrustedHead: false });
  });

  test('a deleted fork (head.repo null) counts as a fork', () => {
    const payload = webhookExample('pull_request', 'opened');
    (payload.pull_request as { head: { repo: unknown } }).head.repo = null;
    expect(readRunContext({ eventName: 'pull_request', payload, env: runnerEnv }).fork).toBe(true);
  });

  test('dependabot pull_request: read-only even from the same repository', () => {
    const ctx = readRunContext({
      eventName: 'pull_request',
      payload: webhookExample('pull_request', 'opened'),
      env: { ...runnerEnv, GITHUB_ACTOR: 'dependabot[bot]' },
    });
    expect(ctx).toMatchObject({ fork: false, readOnly: true, canComment: false, actor: 'dependabot[bot]' });
  });

  test('dependabot re-run by a maintainer still counts (triggering actor differs)', () => {
    const ctx = readRunContext({
      eventName: 'push',
      payload: webhookExample('push', undefined, 4),
      env: { ...runnerEnv, GITHUB_ACTOR: 'dependabot[bot]', GITHUB_TRIGGERING_ACTOR: 'maintainer' },
    });
    expect(ctx.readOnly).toBe(true);
  });

  test('pull_request_target: never writes caches; a fork head is untrusted and refused without opt-in', () => {
    const same = readRunContext({ eventName: 'pull_request_target', payload: webhookExample('pull_request', 'opened'), env: runnerEnv });
    expect(same).toMatchObject({ readOnly: true, canComment: true, untrustedHead: false });
    expect(untrustedBuildRefusal(same, false)).toBeUndefined();

    const fork = readRunContext({ eventName: 'pull_request_target', payload: asFork(webhookExample('pull_request', 'opened')), env: runnerEnv });
    expect(fork).toMatchObject({ fork: true, readOnly: true, canComment: true, untrustedHead: true });
    const refusal = untrustedBuildRefusal(fork, false);
    expect(refusal).toMatch(/^refusing to build mallory\/Hello-World@changes under pull_request_target: .*allow-untrusted-build: true/);
    expect(refusal).not.toContain('\n');
    expect(untrustedBuildRefusal(fork, true)).toBeUndefined();
  });

  test('merge_group: queue branch and its base', () => {
    const ctx = readRunContext({ eventName: 'merge_group', payload: webhookExample('merge_group'), env: { GITHUB_ACTOR: 'octocat' } });
    expect(ctx).toMatchObject({
      repository: 'octo-org/octo-repo',
      sha: '2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d',
      branch: 'gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64',
      baseBranch: 'main',
      readOnly: false,
    });
  });

  test('workflow_dispatch: the dispatched ref', () => {
    const ctx = readRunContext({ eventName: 'workflow_dispatch', payload: webhookExample('workflow_dispatch'), env: { GITHUB_SHA: 's' } });
    expect(ctx).toMatchObject({ branch: 'main', defaultBranch: 'main', readOnly: false, repository: 'octo-org/octo-repo' });
  });

  test('schedule: the payload carries only the cron and the repository; branch comes from GITHUB_REF', () => {
    const repository = webhookExample('push', undefined, 4).repository;
    const ctx = readRunContext({
      eventName: 'schedule',
      payload: { schedule: '0 3 * * *', repository },
      env: { ...runnerEnv, GITHUB_REF: 'refs/heads/master' },
    });
    expect(ctx).toMatchObject({ event: 'schedule', branch: 'master', defaultBranch: 'master', readOnly: false });
  });

  test('workflow_run: the triggering run, its PRs (only those of this repository)', () => {
    const payload = webhookExample('workflow_run', 'completed', 2);
    const run = payload.workflow_run as { pull_requests: { base: { repo: { url: string } } }[]; event: string };
    // This example lists PR #2 of Codertocat/Hello-World while the run belongs to octo-org/octo-repo: not ours.
    let ctx = readRunContext({ eventName: 'workflow_run', payload, env: {} });
    expect(ctx.workflowRun).toEqual({
      id: 289782451,
      event: 'repository_dispatch',
      conclusion: 'success',
      headSha: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      headBranch: 'master',
      headRepo: 'octo-org/octo-repo',
      pullRequests: [],
    });
    run.pull_requests[0].base.repo.url = 'https://api.github.com/repos/octo-org/octo-repo';
    ctx = readRunContext({ eventName: 'workflow_run', payload, env: {} });
    expect(ctx.workflowRun?.pullRequests).toEqual([2]);
    expect(ctx.fork).toBe(false);
  });

  test('bad payloads name what was expected', () => {
    expect(() => readRunContext({ eventName: 'pull_request', payload: { repository: { full_name: 'a/b' } }, env: {} })).toThrow(
      new InputError('event payload (pull_request): expected pull_request with number, head and base'),
    );
    expect(() => readRunContext({ eventName: 'push', payload: {}, env: {} })).toThrow(/GITHUB_REPOSITORY: expected owner\/name/);
    expect(() => readRunContext({ eventName: 'workflow_run', payload: { repository: { full_name: 'a/b' } }, env: {} })).toThrow(
      /\(workflow_run\): expected workflow_run with id and head_sha/,
    );
  });

  test('branchFromRef', () => {
    expect(branchFromRef('refs/heads/feature/x')).toBe('feature/x');
    expect(branchFromRef('refs/tags/v1')).toBeUndefined();
    expect(branchFromRef(undefined)).toBeUndefined();
  });
});
