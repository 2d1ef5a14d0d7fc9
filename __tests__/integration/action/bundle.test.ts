// The GitHub pieces bundled the way dist/ is built (esbuild, ESM, keepNames) and run as a plain node process —
// catches what only breaks in a bundle (the Azure SDK, undici, ESM/CJS interop) before the full e2e run.
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed } from '../../helpers/testbed.js';
import { startGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { stickyMarker } from '../../../src/publish/marker.js';

// Jest ignores a project-level testTimeout: servers and tar/zstd under a loaded machine need more than 5 s.
jest.setTimeout(120_000);

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

describeWithTestbed('GitHub adapters in an esbuild bundle', () => {
  let api: GitHubApi;
  let cache: CacheService;
  let dir: string;
  beforeAll(async () => {
    [api, cache] = await Promise.all([startGitHubApi(), startCacheService()]);
    dir = mkdtempSync(join(tmpdir(), 'layerwise-bundle-'));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([api?.close(), cache?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('bundled: comment created then updated through Prism; baseline saved and restored through the cache service', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { createOctokit } from '${SRC}/github/octokit.js';
import { upsertStickyComment } from '${SRC}/publish/sticky-comment.js';
import { actionsCacheBaselineStore } from '${SRC}/baseline/actions-cache.js';
const octokit = createOctokit('ghs_x', process.env.API_URL);
const opts = { owner: 'acme', repo: 'app', issueNumber: 3, key: 'web', author: 'github-actions[bot]' };
const a = await upsertStickyComment(octokit, { ...opts, body: 'one' });
const b = await upsertStickyComment(octokit, { ...opts, body: 'two' });
const analysis = { ref: 'x', compressedBytes: 5, sizeBytes: 9, layerCount: 0, wastedBytes: 0, efficiency: 1, layers: [], hints: [] };
const key = { imageKey: 'web', branch: 'main' };
await actionsCacheBaselineStore({ dir: process.env.RUNNER_TEMP, runId: '1' }).save(key, { source: 'actions-cache', analysis });
const restored = await actionsCacheBaselineStore({ dir: process.env.RUNNER_TEMP, runId: '2' }).load(key);
console.log('RESULT ' + JSON.stringify({ a: a.action, b: b.action, restored: restored?.analysis.compressedBytes }));
`,
    );
    const outfile = join(dir, 'bundle.js');
    await build({
      entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', keepNames: true,
      logLevel: 'error', external: ['cpu-features', '*.node'],
      banner: { js: "import { createRequire as __lwCreateRequire } from 'node:module'; const require = __lwCreateRequire(import.meta.url);" },
    });
    // Async: the fake servers live in this process and must keep answering while the bundle runs.
    const run = await promisify(execFile)(process.execPath, [outfile], {
      cwd: dir,
      env: { PATH: process.env.PATH, API_URL: api.url, RUNNER_TEMP: dir, ...cache.env },
      timeout: 60_000,
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect({ stderr: run.stderr, result: line && JSON.parse(line.slice(7)) }).toEqual({
      stderr: '', result: { a: 'created', b: 'updated', restored: 5 },
    });
    expect(api.state.commentsOn('acme/app#3').map((c) => c.body)).toEqual([`${stickyMarker('web')}\ntwo`]);
  });
});
