// End to end, exactly as a runner starts the action: `node dist/index.js` with INPUT_* variables (action.yml
// defaults filled in), GITHUB_EVENT_PATH holding GitHub's example payloads, GITHUB_API_URL at Prism (GitHub's
// OpenAPI description in front of a stateful fake) and ACTIONS_RESULTS_URL at the local cache service (Azurite).
// A push to the default branch builds, pushes stage caches and saves the baseline; a PR run twice restores it,
// compares, and leaves exactly one comment, updated.
import { jest } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { startGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { runActionLikeRunner, type ActionRun } from '../../helpers/action-runner.js';
import { webhookExample } from '../../helpers/webhook-examples.js';
import { stickyMarker } from '../../../src/publish/marker.js';
import { BASELINE_KEY_PREFIX } from '../../../src/baseline/actions-cache.js';

jest.setTimeout(600_000);

describeWithTestbed('e2e: node dist/index.js as a runner starts it', (bed) => {
  let api: GitHubApi;
  let cache: CacheService;
  let workspace: string;
  let runnerTemp: string;
  const name = uniqueName('lw-e2e');
  const runs: ActionRun[] = [];

  beforeAll(async () => {
    [api, cache] = await Promise.all([startGitHubApi(), startCacheService()]);
    workspace = mkdtempSync(join(tmpdir(), 'lw-e2e-ws-'));
    // One runner machine: the same RUNNER_TEMP path for every job (the Actions cache version hashes it).
    runnerTemp = mkdtempSync(join(tmpdir(), 'lw-e2e-runner-temp-'));
    writeFileSync(
      join(workspace, 'Dockerfile'),
      [
        `FROM ${bed().baseImage} AS deps`,
        'RUN mkdir -p /deps && head -c 300000 /dev/urandom > /deps/lib.bin',
        `FROM ${bed().baseImage}`,
        'COPY --from=deps /deps /deps',
        'COPY app.txt /app/app.txt',
        '',
      ].join('\n'),
    );
    writeFileSync(join(workspace, 'app.txt'), 'v1\n');
  });
  afterAll(async () => {
    await Promise.all([api?.close(), cache?.close()]);
    for (const tag of ['main', 'pr']) {
      try {
        docker(['rmi', '-f', `${bed().registry}/layerwise-e2e/${name}:${tag}`]);
      } catch {
        /* not built */
      }
    }
    rmSync(workspace, { recursive: true, force: true });
    rmSync(runnerTemp, { recursive: true, force: true });
    for (const r of runs) rmSync(r.tempDir, { recursive: true, force: true });
  });

  const inputs = (tag: string) => ({
    tags: `${bed().registry}/layerwise-e2e/${name}:${tag}`,
    'cache-repo': `${bed().registry}/layerwise-e2e/${name}-buildcache`,
    'image-key': 'app',
    'max-size': '50MB',
    'cleanup-intermediate-images': 'true',
  });
  /** Exit code, with the action's log attached when it is not 0 (so a failure explains itself). */
  const exited = (r: ActionRun) => ({ code: r.code, log: r.code === 0 ? '' : `${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}` });

  test('push to the default branch: builds, pushes stage caches, saves the baseline; no comment', async () => {
    cache.state.writeScope = 'refs/heads/master';
    cache.state.readScopes = ['refs/heads/master'];
    const r = await runActionLikeRunner({
      inputs: inputs('main'), eventName: 'push', payload: webhookExample('push', undefined, 4), apiUrl: api.url, workspace, runnerTemp,
      env: { ...cache.env, GITHUB_REF: 'refs/heads/master', GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
    });
    runs.push(r);
    expect(exited(r)).toEqual({ code: 0, log: '' });
    expect(Number(r.outputs['compressed-size'])).toBeGreaterThan(300_000);
    expect(r.outputs.verdict).toBe('pass');
    const saved = cache.state.entries.filter((e) => e.finalized && e.key.startsWith(`${BASELINE_KEY_PREFIX}-app-master-`));
    expect(saved).toHaveLength(1);
    const tags = JSON.parse(await (await fetch(`http://${bed().registry}/v2/layerwise-e2e/${name}-buildcache/tags/list`)).text()) as { tags: string[] };
    expect(tags.tags.some((t) => t.startsWith('deps'))).toBe(true);
    expect(api.state.comments).toEqual([]);
  });

  const prRun = async (appText: string): Promise<ActionRun> => {
    writeFileSync(join(workspace, 'app.txt'), appText);
    cache.state.writeScope = 'refs/pull/2/merge';
    cache.state.readScopes = ['refs/pull/2/merge', 'refs/heads/master'];
    const r = await runActionLikeRunner({
      inputs: inputs('pr'), eventName: 'pull_request', payload: webhookExample('pull_request', 'opened'), apiUrl: api.url, workspace, runnerTemp,
      env: { ...cache.env, GITHUB_REF: 'refs/pull/2/merge', GITHUB_HEAD_REF: 'changes', GITHUB_BASE_REF: 'master', GITHUB_SHA: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
    });
    runs.push(r);
    return r;
  };

  test('pull_request twice: baseline from the Actions cache, one sticky comment created then updated', async () => {
    const first = await prRun(`v2 ${'x'.repeat(20_000)}\n`);
    expect(exited(first)).toEqual({ code: 0, log: '' });
    expect(api.state.commentsOn('Codertocat/Hello-World#2')).toHaveLength(1);
    const [c1] = api.state.commentsOn('Codertocat/Hello-World#2');
    expect(c1.body.startsWith(`${stickyMarker('app')}\n`)).toBe(true);
    expect(c1.user.login).toBe('github-actions[bot]');
    expect(first.outputs['size-delta']).not.toBe('');
    expect(existsSync(first.outputs['report-path'])).toBe(true);
    const report1 = JSON.parse(readFileSync(first.outputs['report-path'], 'utf8'));
    expect(report1.baseline).toMatchObject({ source: 'actions-cache', branch: 'master' });
    expect(first.summary).toContain(c1.body.split('\n').slice(1, 3).join('\n'));
    const body1 = c1.body;

    const second = await prRun(`v3 ${'y'.repeat(60_000)}\n`);
    expect(exited(second)).toEqual({ code: 0, log: '' });
    const after = api.state.commentsOn('Codertocat/Hello-World#2');
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(c1.id);
    expect(after[0].body).not.toBe(body1);
    expect(Number(second.outputs['size-delta'])).toBeGreaterThan(Number(first.outputs['size-delta']));
    // Comment calls went through Prism: list, create; then list, update.
    expect(api.state.log.filter((l) => l.path.includes('/issues/')).map((l) => `${l.method} ${l.status}`)).toEqual([
      'GET 200', 'POST 201', 'GET 200', 'PATCH 200',
    ]);
  });

  test('fork PR: the pull_request run only reports; mode: report from workflow_run posts the comment', async () => {
    writeFileSync(join(workspace, 'app.txt'), 'fork change\n');
    const payload = webhookExample('pull_request', 'synchronize') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.number = payload.pull_request.number = 3;
    payload.pull_request.head.repo.full_name = 'mallory/Hello-World';
    const headSha: string = payload.pull_request.head.sha;
    cache.state.writeScope = 'refs/pull/3/merge';
    cache.state.readScopes = ['refs/pull/3/merge', 'refs/heads/master'];
    const pr = await runActionLikeRunner({
      inputs: inputs('pr'), eventName: 'pull_request', payload, apiUrl: api.url, workspace, runnerTemp,
      env: { ...cache.env, GITHUB_REF: 'refs/pull/3/merge', GITHUB_HEAD_REF: 'changes', GITHUB_BASE_REF: 'master' },
    });
    runs.push(pr);
    expect(exited(pr)).toEqual({ code: 0, log: '' });
    expect(pr.stdout).toMatch(/no PR comment — the fork PR token is read-only/);
    expect(api.state.commentsOn('Codertocat/Hello-World#3')).toEqual([]);
    // Read-only: no baseline saved, no stage cache written for the fork's scope.
    expect(cache.state.entries.filter((e) => e.scope === 'refs/pull/3/merge')).toEqual([]);
    const tags = JSON.parse(await (await fetch(`http://${bed().registry}/v2/layerwise-e2e/${name}-buildcache/tags/list`)).text()) as { tags: string[] };
    expect(tags.tags.filter((t) => t.includes('pr-3'))).toEqual([]);

    // The workflow_run workflow: the artifact downloaded into its workspace, PR found by head sha (fork PRs
    // have an empty workflow_run.pull_requests).
    const artifactDir = join(workspace, 'layerwise-report');
    mkdirSync(artifactDir, { recursive: true });
    copyFileSync(pr.outputs['report-path'], join(artifactDir, 'layerwise-report.json'));
    api.state.pulls.push({ repo: 'Codertocat/Hello-World', number: 3, headRepo: 'mallory/Hello-World', headRef: 'changes', headSha, baseRef: 'master', state: 'open' });
    const wr = webhookExample('workflow_run', 'completed', 2) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    wr.repository.full_name = 'Codertocat/Hello-World';
    Object.assign(wr.workflow_run, { event: 'pull_request', head_branch: 'changes', head_sha: headSha, pull_requests: [] });
    wr.workflow_run.head_repository.full_name = 'mallory/Hello-World';
    const report = await runActionLikeRunner({
      inputs: { mode: 'report', 'report-path': join(artifactDir, 'layerwise-report.json') }, eventName: 'workflow_run', payload: wr,
      apiUrl: api.url, workspace, runnerTemp, env: { GITHUB_REF: 'refs/heads/master' },
    });
    runs.push(report);
    expect(exited(report)).toEqual({ code: 0, log: '' });
    const comments = api.state.commentsOn('Codertocat/Hello-World#3');
    expect(comments).toHaveLength(1);
    expect(comments[0].body.startsWith(`${stickyMarker('app')}\n`)).toBe(true);
    expect(report.summary.length).toBeGreaterThan(100);
  });

  test('pull_request_target with a fork head: refused in one line before anything is built', async () => {
    const payload = webhookExample('pull_request', 'opened') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    payload.pull_request.head.repo.full_name = 'mallory/Hello-World';
    const before = api.state.log.length;
    const r = await runActionLikeRunner({ inputs: inputs('target'), eventName: 'pull_request_target', payload, apiUrl: api.url, workspace, runnerTemp });
    runs.push(r);
    expect(r.code).toBe(1);
    const errors = r.commands.filter((c) => c.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error::refusing to build mallory\/Hello-World@changes under pull_request_target: .*allow-untrusted-build: true/);
    expect(r.stdout).not.toMatch(/#\d+ \[/); // no BuildKit step ran
    expect(api.state.log.slice(before)).toEqual([]);
  });
});
