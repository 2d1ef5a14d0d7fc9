// Actions-cache hygiene for gha mode, on entries real BuildKit and @actions/cache wrote: gha-mode builds on the
// containerd-store engine fill the local cache service (a branch, a PR with write-pr-scope, a branch deleted later);
// its entries are what GitHub's REST API then lists (the local fake behind Prism, checked against GitHub's
// description). `mode: prune` must remove the closed PR's and the deleted branch's entries and keep the rest; the
// usage line counts what is there.
import { jest } from '@jest/globals';
import { pruneMode } from '../../../src/action/prune-mode.js';
import { createOctokit } from '../../../src/github/octokit.js';
import { readActionsCacheUsage } from '../../../src/prune/actions-cache.js';
import { branchContext, build, copyFixture, freshRunner, makeConfig, privateBase, removeFromRegistry, type Project } from '../buildx/helpers.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { startGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { describeOnEngine, describeWithTestbed, uniqueName } from '../../helpers/testbed.js';

jest.setTimeout(600_000);

describeWithTestbed('prune in gha mode', (bed) => describeOnEngine('on the containerd image store', bed, { store: 'containerd' }, (engine) => {
  const name = uniqueName('lw-ghaprune');
  let project: Project;
  let base: string;
  let svc: CacheService;
  let api: GitHubApi;
  const infos: string[] = [];

  beforeAll(async () => {
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`, engine().host);
    [svc, api] = await Promise.all([startCacheService(), startGitHubApi()]);
  });
  afterAll(async () => {
    await Promise.all([svc?.close(), api?.close()]);
    freshRunner({ refs: [base] }, engine().host);
    await removeFromRegistry([base.split(':').slice(0, -1).join(':')]);
    project?.remove();
  });

  async function gha(ref: string, ctx: ReturnType<typeof branchContext>, source: string): Promise<void> {
    project.setSource(source);
    svc.state.writeScope = ref;
    svc.state.readScopes = [ref, 'refs/heads/main'];
    freshRunner({ refs: [base] }, engine().host);
    const config = makeConfig({ dir: project.dir, mode: 'gha', base });
    config.cache.writePrScope = true;
    await build({ dir: project.dir, config, ctx, host: engine().host, env: svc.env });
  }

  test("a closed PR's and a deleted branch's entries go, live refs' stay; dry run first; the usage line counts them", async () => {
    await gha('refs/heads/main', branchContext('main'), 'main');
    await gha('refs/heads/old-feature', branchContext('old-feature'), 'old');
    await gha('refs/pull/5/merge', branchContext('feature', { event: 'pull_request', baseBranch: 'main', pr: { number: 5, baseRef: 'main', headRef: 'feature', headRepo: 'acme/app' } }), 'pr 5');
    // What GitHub's REST API would list: the entries the cache service holds, as BuildKit keyed them.
    api.state.actionsCaches = svc.state.entries.filter((e) => e.finalized).map((e) => ({
      id: e.id, repo: 'acme/app', ref: e.scope, key: e.key, sizeBytes: e.sizeBytes ?? 0, createdAt: new Date(e.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    }));
    api.state.actionsCaches.push({ id: 9999, repo: 'acme/app', ref: 'refs/pull/5/merge', key: 'node-modules-abc', sizeBytes: 5, createdAt: '2026-12-01T00:00:00Z' });
    api.state.branches.set('acme/app', ['main', 'feature']);
    api.state.pulls = [];
    const byRef = (ref: string) => api.state.actionsCaches.filter((c) => c.ref === ref && c.id !== 9999).length;
    const before = { main: byRef('refs/heads/main'), old: byRef('refs/heads/old-feature'), pr: byRef('refs/pull/5/merge') };
    expect(before.main).toBeGreaterThan(3); // three index entries and the blobs
    expect(before.old).toBeGreaterThan(0);
    expect(before.pr).toBeGreaterThan(0);

    const usage = await readActionsCacheUsage(createOctokit('t', api.url), { owner: 'acme', repo: 'app' });
    expect(usage).toMatchObject({ stageEntries: api.state.actionsCaches.length - 1, quotaBytes: 10e9, quotaKnown: false });
    expect(usage.totalBytes).toBe(usage.stageBytes + 5);

    const config = { ...makeConfig({ dir: project.dir, mode: 'gha', base }), mode: 'prune' as const, githubToken: 't' };
    const ctx = branchContext('main', { repository: 'acme/app' });
    const env = { ...process.env, GITHUB_API_URL: api.url };
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = api.url;
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (infos.push(String(chunk)), true));
    try {
      await pruneMode(config, ctx, env); // dry run (the default)
      expect(api.state.actionsCaches.length).toBe(before.main + before.old + before.pr + 1);
      expect(infos.join('')).toMatch(new RegExp(`dry run: ${before.old + before.pr} of ${before.main + before.old + before.pr} stage-cache entries in the Actions cache would go`));

      await pruneMode({ ...config, prune: { ...config.prune, dryRun: false } }, ctx, env);
    } finally {
      spy.mockRestore();
      process.env.GITHUB_API_URL = saved;
    }
    expect(byRef('refs/heads/old-feature')).toBe(0);
    expect(byRef('refs/pull/5/merge')).toBe(0);
    expect(byRef('refs/heads/main')).toBe(before.main);
    // Another tool's entry is never ours to delete, dead ref or not.
    expect(api.state.actionsCaches.some((c) => c.id === 9999)).toBe(true);
    expect(infos.join('')).toMatch(/pull request #5 is closed/);
    expect(infos.join('')).toMatch(/branch old-feature is deleted/);
    expect(api.prismLog()).not.toMatch(/violation|\[VALIDATOR\]/i);
  });
}));
