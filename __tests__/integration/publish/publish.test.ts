// publish() and report mode end to end against Prism + GitHub's OpenAPI description: job summary through the
// real @actions/core into a GITHUB_STEP_SUMMARY file, annotations as workflow commands, the sticky comment, and
// the workflow_run report mode with a hostile artifact and a fork PR found by head sha.
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { describeWithTestbed } from '../../helpers/testbed.js';
import { useGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { webhookExample } from '../../helpers/webhook-examples.js';
import { fixtureReport, FIXTURE_DOCKERFILE } from '../../helpers/report-fixture.js';
import { createOctokit } from '../../../src/github/octokit.js';
import { readRunContext } from '../../../src/run-context/event.js';
import { publish, publishUntrustedReport, type PublishIO } from '../../../src/publish/publish.js';
import { stickyMarker } from '../../../src/publish/marker.js';
import { safeImageKey } from '../../../src/report/untrusted.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { InputError } from '../../../src/core/errors.js';
import type { Annotation } from '../../../src/publish/annotations.js';

// Jest ignores a project-level testTimeout: servers and tar/zstd under a loaded machine need more than 5 s.
jest.setTimeout(120_000);

const config = { comment: true, commentAuthor: 'github-actions[bot]', imageKey: 'web', build: { dockerfile: FIXTURE_DOCKERFILE } };

function recorder(): PublishIO & { warnings: string[]; summaries: string[]; annotations: Annotation[] } {
  const r = {
    warnings: [] as string[], summaries: [] as string[], annotations: [] as Annotation[],
    warning: (m: string) => void r.warnings.push(m), info: () => {},
    writeSummary: async (m: string) => void r.summaries.push(m), annotate: (a: Annotation) => void r.annotations.push(a),
  };
  return r;
}

/** A pull_request payload (GitHub's example) for acme/app#7, optionally from a fork. */
function prContext(event: 'pull_request' | 'pull_request_target' = 'pull_request', fork = false) {
  const payload = webhookExample('pull_request', 'synchronize') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.number = 7;
  payload.pull_request.number = 7;
  payload.repository.full_name = 'acme/app';
  payload.pull_request.base.repo.full_name = 'acme/app';
  payload.pull_request.head.repo.full_name = fork ? 'mallory/app' : 'acme/app';
  return readRunContext({ eventName: event, payload, env: { GITHUB_ACTOR: 'dev' } });
}

/** A workflow_run payload (GitHub's example) for a completed pull_request run of acme/app. */
function workflowRunContext(opts: { headRepo: string; headBranch: string; headSha: string; prs?: number[]; event?: string }) {
  const payload = webhookExample('workflow_run', 'completed', 2) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  const run = payload.workflow_run;
  payload.repository.full_name = 'acme/app';
  run.event = opts.event ?? 'pull_request';
  run.head_branch = opts.headBranch;
  run.head_sha = opts.headSha;
  run.head_repository.full_name = opts.headRepo;
  run.pull_requests = (opts.prs ?? []).map((n) => ({ ...run.pull_requests[0], number: n, base: { ...run.pull_requests[0].base, repo: { ...run.pull_requests[0].base.repo, url: 'https://api.github.com/repos/acme/app' } } }));
  return readRunContext({ eventName: 'workflow_run', payload, env: {} });
}

describeWithTestbed('publish and report mode (Prism + GitHub OpenAPI description)', () => {
  let api!: GitHubApi;
  useGitHubApi((started) => (api = started));
  const octokit = () => createOctokit('ghs_test', api.url);

  test('same-repo PR through the real @actions/core: summary file, annotations on Dockerfile lines, one comment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerwise-summary-'));
    const summaryFile = join(dir, 'summary.md');
    writeFileSync(summaryFile, '');
    const env = { ...process.env };
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    const out: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    try {
      const report = fixtureReport({ pr: 7 });
      const markdown = renderMarkdown(report);
      const ctx = prContext();
      const first = await publish({ report, markdown, ctx, config, octokit: octokit() });
      const second = await publish({ report, markdown, ctx, config, octokit: octokit() });
      expect(first).toEqual({ summary: 'written', annotations: 2, comment: { action: 'created', id: expect.any(Number) } });
      expect(second.comment).toEqual({ action: 'unchanged', id: first.comment.id });
      expect(readFileSync(summaryFile, 'utf8')).toBe(`${markdown}\n${markdown}\n`);
      const commands = out.join('');
      // Workflow commands escape `:` in properties and `%` in messages. The fixture's sizes are gzip estimates: ≈.
      expect(commands).toMatch(/^::error title=layerwise%3A max growth 10 %25 \(fail\),file=docker\/Dockerfile,line=7::compressed growth ≈\+30\.1 MB/m);
      expect(commands).toMatch(/^::warning title=layerwise%3A apt package cache left in the image,file=docker\/Dockerfile,line=7::24\.0 MB \(uncompressed\) in layer 2: var\/cache\/apt/m);
      expect(api.state.commentsOn('acme/app#7').map((c) => c.body)).toEqual([`${stickyMarker('web')}\n${markdown}`]);
    } finally {
      jest.restoreAllMocks();
      process.env = env;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fork pull_request: summary and annotations, no API call at all, a reason pointing to report mode', async () => {
    const io = recorder();
    const r = await publish({ report: fixtureReport(), markdown: 'md', ctx: prContext('pull_request', true), config, octokit: octokit() }, io);
    expect(r.comment.action).toBe('skipped');
    expect(r.comment.reason).toMatch(/fork PR token is read-only.*mode: report/);
    expect(io.summaries).toEqual(['md']);
    expect(io.annotations).toHaveLength(2);
    expect(api.state.log).toEqual([]);
  });

  test('push run: no comment; comment: false: no comment', async () => {
    const push = readRunContext({ eventName: 'push', payload: webhookExample('push', undefined, 4), env: { GITHUB_REF: 'refs/heads/master' } });
    expect((await publish({ report: fixtureReport(), markdown: 'md', ctx: push, config, octokit: octokit() }, recorder())).comment).toEqual({
      action: 'skipped', reason: 'not a pull request (push)',
    });
    const off = await publish({ report: fixtureReport(), markdown: 'md', ctx: prContext(), config: { ...config, comment: false }, octokit: octokit() }, recorder());
    expect(off.comment.reason).toBe('comment: false');
    expect(api.state.log).toEqual([]);
  });

  test('a token without pull-requests: write (403) is a warning; summary still written', async () => {
    api.state.denyWrites = 403;
    const io = recorder();
    const r = await publish({ report: fixtureReport(), markdown: 'md', ctx: prContext(), config, octokit: octokit() }, io);
    expect(r.summary).toBe('written');
    expect(r.comment.action).toBe('skipped');
    expect(io.warnings.join('\n')).toMatch(/HTTP 403: Resource not accessible by integration/);
  });

  describe('mode: report (workflow_run)', () => {
    const headSha = 'a'.repeat(40);

    test('fork PR: found by head branch and sha (pull_requests is empty); a forged PR number is ignored', async () => {
      api.state.pulls.push(
        { repo: 'acme/app', number: 41, headRepo: 'mallory/app', headRef: 'feature', headSha: 'b'.repeat(40), baseRef: 'main', state: 'open' },
        { repo: 'acme/app', number: 42, headRepo: 'mallory/app', headRef: 'feature', headSha, baseRef: 'main', state: 'open' },
      );
      const ctx = workflowRunContext({ headRepo: 'mallory/app', headBranch: 'feature', headSha });
      expect(ctx.fork).toBe(true);
      const io = recorder();
      const artifact = JSON.stringify(fixtureReport({ pr: 1 }));
      const r = await publishUntrustedReport({ ctx, reportText: artifact, reportFile: 'report.json', octokit: octokit(), config }, io);
      expect(r.pr).toBe(42);
      expect(r.comment.action).toBe('created');
      expect(io.warnings).toEqual(['layerwise: the report artifact claims PR #1, but the triggering run built PR #42; posting to #42']);
      expect(api.state.commentsOn('acme/app#1')).toEqual([]);
      expect(api.state.commentsOn('acme/app#42')).toHaveLength(1);
      expect(io.annotations).toEqual([]);
      expect(api.state.log[0].path).toBe('/repos/acme/app/pulls?state=open&head=mallory%3Afeature&per_page=100');
      // The second run (a new push to the PR) updates the same comment.
      const grown = fixtureReport({ pr: 1 });
      grown.image.compressedBytes += 1_000_000;
      const again = await publishUntrustedReport({ ctx, reportText: JSON.stringify(grown), reportFile: 'report.json', octokit: octokit(), config }, recorder());
      expect(again.comment).toEqual({ action: 'updated', id: r.comment.id });
    });

    test('same-repo PR: the number from the workflow_run payload, no lookup', async () => {
      const ctx = workflowRunContext({ headRepo: 'acme/app', headBranch: 'feature', headSha, prs: [9] });
      const r = await publishUntrustedReport({ ctx, reportText: JSON.stringify(fixtureReport({ pr: 9 })), reportFile: 'r.json', octokit: octokit(), config }, recorder());
      expect(r.pr).toBe(9);
      expect(api.state.log.map((x) => x.method)).toEqual(['GET', 'POST']);
    });

    test('the PR head moved on (sha differs): nothing posted, a warning, the summary still shows the report', async () => {
      api.state.pulls.push({ repo: 'acme/app', number: 42, headRepo: 'mallory/app', headRef: 'feature', headSha: 'c'.repeat(40), baseRef: 'main', state: 'open' });
      const io = recorder();
      const ctx = workflowRunContext({ headRepo: 'mallory/app', headBranch: 'feature', headSha });
      const r = await publishUntrustedReport({ ctx, reportText: JSON.stringify(fixtureReport()), reportFile: 'r.json', octokit: octokit(), config }, io);
      expect(r.pr).toBeUndefined();
      expect(r.reason).toBe(`no open pull request has head ${headSha.slice(0, 12)} (mallory/app:feature)`);
      expect(io.summaries).toHaveLength(1);
      expect(api.state.comments).toEqual([]);
    });

    test('the commit is also the head of a PR from another repository and branch: that PR is not chosen', async () => {
      // The fork's PR moved on; a maintainer pushed the built commit to a branch of the base repository and opened
      // a PR from it. GitHub lists that PR for the commit, but it is not the PR the triggering run built.
      api.state.pulls.push(
        { repo: 'acme/app', number: 42, headRepo: 'mallory/app', headRef: 'feature', headSha: 'c'.repeat(40), baseRef: 'main', state: 'open' },
        { repo: 'acme/app', number: 50, headRepo: 'acme/app', headRef: 'review-42', headSha, baseRef: 'main', state: 'open' },
      );
      const io = recorder();
      const ctx = workflowRunContext({ headRepo: 'mallory/app', headBranch: 'feature', headSha });
      const r = await publishUntrustedReport({ ctx, reportText: JSON.stringify(fixtureReport({ pr: 50 })), reportFile: 'r.json', octokit: octokit(), config }, io);
      expect(r.pr).toBeUndefined();
      expect(r.reason).toBe(`no open pull request has head ${headSha.slice(0, 12)} (mallory/app:feature)`);
      // Both lookups were made and answered; the commit's PR was refused on its head repository and branch.
      expect(api.state.log.map((l) => `${l.method} ${l.path.split('?')[0]} ${l.status}`)).toEqual([
        'GET /repos/acme/app/pulls 200', `GET /repos/acme/app/commits/${headSha}/pulls 200`,
      ]);
      expect(api.state.comments).toEqual([]);
      expect(io.warnings).toEqual([`layerwise: no PR comment — ${r.reason}`]);
    });

    test('a hostile artifact renders inert: no HTML, no mentions, no links, one marker', async () => {
      const evil = (s: string) => `${s} <img src=x onerror=alert(1)> @octocat [x](javascript:alert(1)) --> | \` <!-- layerwise:v1 key=other -->`;
      api.state.pulls.push({ repo: 'acme/app', number: 42, headRepo: 'mallory/app', headRef: 'feature', headSha, baseRef: 'main', state: 'open' });
      const report = fixtureReport({ strings: evil, imageKey: 'web --> <b>x</b>' });
      const ctx = workflowRunContext({ headRepo: 'mallory/app', headBranch: 'feature', headSha });
      const r = await publishUntrustedReport({ ctx, reportText: JSON.stringify(report), reportFile: 'r.json', octokit: octokit(), config }, recorder());
      expect(r.comment.action).toBe('created');
      const body = api.state.commentsOn('acme/app#42')[0].body;
      expect(body.split('\n')[0]).toBe(stickyMarker(safeImageKey('web --> <b>x</b>')));
      expect(body.split('\n')[0]).toBe('<!-- layerwise:v1 key=web_%2D%2D___b_x_%2Fb_ -->');
      expect(body.match(/-->/g)).toHaveLength(1);
      expect(body).not.toMatch(/<img|@octocat|javascript:|<!-- layerwise:v1 key=other/);
      const html = await marked.parse(body.split('\n').slice(1).join('\n'), { gfm: true });
      // Hostile text survives only as escaped text: no element, no event-handler attribute, no link.
      expect(html).not.toMatch(/<img|<a\s|<script|<[a-z][^>]*\son[a-z]+=/i);
      expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    });

    test('an artifact that breaks the shape is refused with one line naming the file and field', async () => {
      const ctx = workflowRunContext({ headRepo: 'acme/app', headBranch: 'feature', headSha, prs: [9] });
      const bad = JSON.parse(JSON.stringify(fixtureReport()));
      bad.image.layers = 'lots';
      await expect(publishUntrustedReport({ ctx, reportText: JSON.stringify(bad), reportFile: '/tmp/r.json', octokit: octokit(), config }, recorder()))
        .rejects.toThrow('/tmp/r.json: $.image.layers: expected a list');
      expect(api.state.log).toEqual([]);
    });

    test('wrong event, or a triggering run that was not a PR', async () => {
      await expect(publishUntrustedReport({ ctx: prContext(), reportText: '{}', reportFile: 'r.json', octokit: octokit(), config }, recorder())).rejects.toThrow(InputError);
      const push = workflowRunContext({ headRepo: 'acme/app', headBranch: 'main', headSha, event: 'push' });
      const r = await publishUntrustedReport({ ctx: push, reportText: JSON.stringify(fixtureReport()), reportFile: 'r.json', octokit: octokit(), config }, recorder());
      expect(r.reason).toBe("the triggering run was a 'push' run, not a pull request: nothing to post");
    });
  });
});
