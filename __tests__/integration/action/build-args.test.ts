// Issue 12 items 3 and 5, as a runner starts the action (`node dist/index.js`):
// - a secret-named build arg used by a RUN reaches BuildKit's history and step names, yet no file layerwise
//   writes holds its value (report, summary, outputs, the baseline in RUNNER_TEMP, the Actions cache entry),
//   and the runner is told to mask it in the log;
// - `no-cache: true` after a run whose result could be reused runs every step instead of skipping.
import { jest } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runActionLikeRunner, type ActionRun } from '../../helpers/action-runner.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { startGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

jest.setTimeout(600_000);

const SECRET = 'hunter2-layerwise-test-value';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describeWithTestbed('build args and no-cache, as a runner starts the action', (bed) => {
  let api: GitHubApi;
  let cache: CacheService;
  let workspace: string;
  let runnerTemp: string;
  const name = uniqueName('lw-args');
  const runs: ActionRun[] = [];

  beforeAll(async () => {
    [api, cache] = await Promise.all([startGitHubApi(), startCacheService()]);
    workspace = mkdtempSync(join(tmpdir(), 'lw-args-ws-'));
    runnerTemp = mkdtempSync(join(tmpdir(), 'lw-args-temp-'));
    writeFileSync(
      join(workspace, 'Dockerfile'),
      [`FROM ${bed().baseImage} AS app`, 'ARG NPM_TOKEN', 'RUN test -n "$NPM_TOKEN" && echo installed > /installed', 'COPY app.txt /app.txt', ''].join('\n'),
    );
    writeFileSync(join(workspace, 'app.txt'), 'v1\n');
    cache.state.writeScope = 'refs/heads/master';
    cache.state.readScopes = ['refs/heads/master'];
  });
  afterAll(async () => {
    await Promise.all([api?.close(), cache?.close()]);
    rmSync(workspace, { recursive: true, force: true });
    rmSync(runnerTemp, { recursive: true, force: true });
    for (const r of runs) rmSync(r.tempDir, { recursive: true, force: true });
    try {
      docker(['rmi', '-f', `${bed().registry}/layerwise-e2e/${name}:main`]);
    } catch {
      /* not built */
    }
  });

  const push = async (inputs: Record<string, string> = {}) => {
    const r = await runActionLikeRunner({
      inputs: {
        tags: `${bed().registry}/layerwise-e2e/${name}:main`,
        'cache-repo': `${bed().registry}/layerwise-e2e/${name}-buildcache`,
        'build-args': `NPM_TOKEN=${SECRET}`,
        ...inputs,
      },
      eventName: 'push', payload: webhookExample('push', undefined, 4), apiUrl: api.url, workspace, runnerTemp,
      env: { ...cache.env, GITHUB_REF: 'refs/heads/master', GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
    });
    runs.push(r);
    if (r.code !== 0) throw new Error(`action exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-1000)}`);
    return r;
  };

  test('a secret-named build arg: in the image history, in no file layerwise writes; masked in the log', async () => {
    const r = await push();
    // The value did reach BuildKit's history: the test would prove nothing otherwise.
    const history = docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', `${bed().registry}/layerwise-e2e/${name}:main`]);
    expect(history).toContain(SECRET);

    const written = [r.outputs['report-path'], ...filesUnder(r.tempDir), ...filesUnder(runnerTemp)];
    expect(written.length).toBeGreaterThan(5);
    expect(written.filter((f) => readFileSync(f).includes(SECRET))).toEqual([]);
    expect(JSON.stringify(cache.state.entries)).not.toContain(SECRET);
    const report = readFileSync(r.outputs['report-path'], 'utf8');
    expect(report).toContain('NPM_TOKEN=***');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))).toContain(`::add-mask::${SECRET}`);
  });

  test('no-cache after a run whose result could be reused: every step runs, nothing is skipped', async () => {
    // Pushed tags make the result findable on every engine: where `auto` picks registry-mode caches (the
    // containerd store), the cache tags are cache manifests that carry no content key.
    await push({ push: 'true' });
    const reused = await push({ push: 'true' });
    expect(reused.outputs.skipped).toBe('true');
    const fresh = await push({ push: 'true', 'no-cache': 'true' });
    expect(fresh.outputs.skipped).toBe('false');
    expect(Number(fresh.outputs['cache-hit-ratio'])).toBe(0);
    expect(fresh.stdout).not.toMatch(/up to date/);
  });
});
