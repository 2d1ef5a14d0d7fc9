// The sticky comment against Prism + GitHub's OpenAPI description: every request and response is checked
// against GitHub's spec, so these pass only if layerwise speaks GitHub's API as documented.
import type { Logger } from '../../../src/core/log.js';
import { jest } from '@jest/globals';
import { describeWithTestbed } from '../../helpers/testbed.js';
import { useGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { createOctokit } from '../../../src/github/octokit.js';
import { upsertStickyComment } from '../../../src/publish/sticky-comment.js';
import { stickyMarker, MAX_COMMENT_CHARS } from '../../../src/publish/marker.js';

// Jest ignores a project-level testTimeout: servers and tar/zstd under a loaded machine need more than 5 s.
jest.setTimeout(120_000);

const ISSUE = 'acme/app#7';
const base = { owner: 'acme', repo: 'app', issueNumber: 7, key: 'web', author: 'github-actions[bot]' };

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warning: (m) => warnings.push(m), info: () => {} };
}

describeWithTestbed('sticky PR comment (Prism + GitHub OpenAPI description)', () => {
  let api!: GitHubApi;
  useGitHubApi((started) => (api = started));

  const octokit = () => createOctokit('ghs_test', api.url);

  test('created, then updated in place, then unchanged — one comment throughout', async () => {
    const log = recorder();
    const first = await upsertStickyComment(octokit(), { ...base, body: '## size 10 MB' }, log);
    expect(first).toEqual({ action: 'created', id: expect.any(Number) });
    expect(api.state.commentsOn(ISSUE)).toHaveLength(1);
    expect(api.state.commentsOn(ISSUE)[0].body).toBe(`${stickyMarker('web')}\n## size 10 MB`);

    const second = await upsertStickyComment(octokit(), { ...base, body: '## size 12 MB' }, log);
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(api.state.commentsOn(ISSUE).map((c) => c.body)).toEqual([`${stickyMarker('web')}\n## size 12 MB`]);

    const before = api.state.log.length;
    const third = await upsertStickyComment(octokit(), { ...base, body: '## size 12 MB' }, log);
    expect(third).toEqual({ action: 'unchanged', id: first.id });
    expect(api.state.log.slice(before).map((r) => r.method)).toEqual(['GET']);
    expect(log.warnings).toEqual([]);
  });

  test('matrix keys keep separate comments', async () => {
    await upsertStickyComment(octokit(), { ...base, key: 'web', body: 'web' }, recorder());
    await upsertStickyComment(octokit(), { ...base, key: 'worker', body: 'worker' }, recorder());
    await upsertStickyComment(octokit(), { ...base, key: 'web', body: 'web 2' }, recorder());
    expect(api.state.commentsOn(ISSUE).map((c) => c.body.split('\n')[1])).toEqual(['web 2', 'worker']);
  });

  test('later duplicates are deleted, the first match is updated', async () => {
    const a = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nold a`);
    api.state.seedComment(ISSUE, 'unrelated human comment', { login: 'alice', id: 7, type: 'User' });
    const b = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nold b`);
    const c = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nold c`);
    const r = await upsertStickyComment(octokit(), { ...base, body: 'new' }, recorder());
    expect(r).toEqual({ action: 'updated', id: a.id, deleted: [b.id, c.id] });
    expect(api.state.commentsOn(ISSUE).map((x) => x.body)).toEqual([`${stickyMarker('web')}\nnew`, 'unrelated human comment']);
  });

  test('more than 100 comments: paginated with per_page=100 and Link headers, the match on page 3 is found', async () => {
    for (let i = 0; i < 230; i++) api.state.seedComment(ISSUE, `chatter ${i}`, { login: 'bob', id: 9, type: 'User' });
    const ours = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nold`);
    const r = await upsertStickyComment(octokit(), { ...base, body: 'new' }, recorder());
    expect(r).toEqual({ action: 'updated', id: ours.id });
    const gets = api.state.log.filter((x) => x.method === 'GET').map((x) => x.path);
    expect(gets).toEqual([
      '/repos/acme/app/issues/7/comments?per_page=100',
      '/repos/acme/app/issues/7/comments?per_page=100&page=2',
      '/repos/acme/app/issues/7/comments?per_page=100&page=3',
    ]);
    expect(api.state.commentsOn(ISSUE)).toHaveLength(231);
  });

  test("a foreign author's comment carrying our marker is left alone", async () => {
    const forged = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nI am not the bot`, { login: 'mallory', id: 66, type: 'User' });
    const r = await upsertStickyComment(octokit(), { ...base, body: 'real' }, recorder());
    expect(r.action).toBe('created');
    expect(r.id).not.toBe(forged.id);
    expect(api.state.commentsOn(ISSUE).find((c) => c.id === forged.id)?.body).toBe(`${stickyMarker('web')}\nI am not the bot`);
  });

  test('a marker for another key quoted inside our own comment does not match', async () => {
    api.state.seedComment(ISSUE, `${stickyMarker('worker')}\nquoted: ${stickyMarker('web')}`);
    const r = await upsertStickyComment(octokit(), { ...base, body: 'web' }, recorder());
    expect(r.action).toBe('created');
    expect(api.state.commentsOn(ISSUE)).toHaveLength(2);
  });

  test('a PAT user as author: only that login matches', async () => {
    api.state.tokenUser = { login: 'release-bot', id: 99, type: 'User' };
    api.state.seedComment(ISSUE, `${stickyMarker('web')}\nby actions bot`);
    const r = await upsertStickyComment(octokit(), { ...base, author: 'release-bot', body: 'by pat' }, recorder());
    expect(r.action).toBe('created');
    const again = await upsertStickyComment(octokit(), { ...base, author: 'release-bot', body: 'by pat 2' }, recorder());
    expect(again).toEqual({ action: 'updated', id: r.id });
  });

  test('403 (read-only token) → a warning and skipped, never a throw', async () => {
    api.state.denyWrites = 403;
    const log = recorder();
    const r = await upsertStickyComment(octokit(), { ...base, body: 'x' }, log);
    expect(r.action).toBe('skipped');
    expect(r.reason).toMatch(/^could not post the PR comment on acme\/app#7: HTTP 403: Resource not accessible by integration/);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('job summary');
    expect(api.state.log.map((x) => `${x.method} ${x.status}`)).toEqual(['GET 200', 'POST 403']);
  });

  test('404 (no such PR / no access) → skipped with a warning', async () => {
    api.state.hiddenRepos.add('acme/app');
    const log = recorder();
    const r = await upsertStickyComment(octokit(), { ...base, body: 'x' }, log);
    expect(r.action).toBe('skipped');
    expect(r.reason).toMatch(/HTTP 404: Not Found .*pull-requests: write/);
    expect(log.warnings).toHaveLength(1);
  });

  test('Prism checks responses too: a fake answer that breaks the spec fails the call (skipped, HTTP 500)', async () => {
    const c = api.state.seedComment(ISSUE, `${stickyMarker('web')}\nold`);
    c.createdAt = 'yesterday'; // not an RFC 3339 date-time
    const r = await upsertStickyComment(octokit(), { ...base, body: 'x' }, recorder());
    expect(r.action).toBe('skipped');
    expect(r.reason).toMatch(/HTTP 500/);
  });

  test('an oversized body is cut under 65 536 characters and still accepted by the spec', async () => {
    const huge = `| layer | size |\n|---|---|\n${'| RUN something | 1 MB |\n'.repeat(5000)}`;
    const r = await upsertStickyComment(octokit(), { ...base, body: huge }, recorder());
    expect(r.action).toBe('created');
    const stored = api.state.commentsOn(ISSUE)[0].body;
    expect(stored.length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(stored.startsWith(`${stickyMarker('web')}\n`)).toBe(true);
    expect(stored).toMatch(/cut to fit GitHub's comment limit/);
  });

  test('Prism rejects a request that breaks the spec (the check can fail)', async () => {
    const res = await fetch(`${api.url}/repos/acme/app/issues/7/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'token x' },
      body: JSON.stringify({ text: 'no body field' }),
    });
    expect(res.status).toBe(422);
    expect(api.state.commentsOn(ISSUE)).toHaveLength(0);
  });
});
