// The baseline store through the real @actions/cache (unmodified) against a local cache service (Twirp v2) with
// Azurite as the blob store: tar + zstd, SAS uploads and downloads, key matching as GitHub does it.
import type { Logger } from '../../../src/core/log.js';
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as actionsCache from '@actions/cache';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed } from '../../helpers/testbed.js';
import { routeAzureHostsToLoopback, startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { actionsCacheBaselineStore, baselineCacheKey, baselineKeyPrefix } from '../../../src/baseline/actions-cache.js';
import type { ImageAnalysis } from '../../../src/image/types.js';

// Jest ignores a project-level testTimeout: servers and tar/zstd under a loaded machine need more than 5 s.
jest.setTimeout(120_000);

function analysis(ref: string, compressedBytes: number): ImageAnalysis {
  return {
    ref, compressedBytes, sizeBytes: compressedBytes * 2, layerCount: 1, wastedBytes: 0, efficiency: 1, hints: [],
    layers: [{
      index: 0, diffId: `sha256:${'a'.repeat(64)}`, sizeBytes: compressedBytes * 2, compressedBytes, compressedSource: 'gzip',
      instruction: 'COPY app /app', createdBy: 'COPY app /app # buildkit', files: { added: 1, modified: 0, deleted: 0 },
      topFiles: [{ path: 'app/big.bin', bytes: compressedBytes * 2, change: 'added' }], wastedBytes: 0,
    }],
  };
}

function recorder(): Logger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, warning: (m) => warnings.push(m), info: (m) => infos.push(m) };
}

describeWithTestbed('baseline store in the Actions cache (real @actions/cache, local cache service + Azurite)', () => {
  let svc: CacheService;
  let dir: string;
  const saved = { ...process.env };
  let stdout: string[];

  beforeAll(async () => {
    svc = await startCacheService();
  }, 60_000);
  afterAll(async () => svc?.close());
  beforeEach(() => {
    Object.assign(process.env, svc.env);
    delete process.env.GITHUB_SERVER_URL;
    dir = mkdtempSync(join(tmpdir(), 'layerwise-runner-temp-'));
    svc.state.entries = [];
    svc.state.failWith = undefined;
    svc.state.writeScope = 'refs/heads/main';
    svc.state.readScopes = ['refs/heads/main'];
    stdout = [];
    // @actions/cache reports its own problems with ::warning:: on stdout; keep them for assertions.
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  const key = { imageKey: 'web', branch: 'main' };

  test('save on main twice, restore from a PR: the newest wins, byte-for-byte', async () => {
    const log = recorder();
    await actionsCacheBaselineStore({ dir, runId: '100-1', log }).save(key, { source: 'actions-cache', commit: 'c1', analysis: analysis('app:1', 1_000) });
    await actionsCacheBaselineStore({ dir, runId: '101-1', log }).save(key, { source: 'actions-cache', commit: 'c2', analysis: analysis('app:2', 2_000) });
    expect(log.warnings).toEqual([]);
    expect(svc.state.entries.map((e) => [e.key, e.finalized])).toEqual([
      [baselineCacheKey(key, '100-1'), true],
      [baselineCacheKey(key, '101-1'), true],
    ]);
    expect(svc.state.entries.every((e) => (e.sizeBytes ?? 0) > 0)).toBe(true);

    // A PR run: its own scope plus the base branch's.
    svc.state.writeScope = 'refs/pull/7/merge';
    svc.state.readScopes = ['refs/pull/7/merge', 'refs/heads/main'];
    // Same RUNNER_TEMP path on every run (the cache version hashes it); the store empties it before restoring.
    const got = await actionsCacheBaselineStore({ dir, runId: '200-1', log }).load(key);
    expect(got).toEqual({
      source: 'actions-cache', branch: 'main', commit: 'c2', ref: baselineCacheKey(key, '101-1'), analysis: analysis('app:2', 2_000),
    });
    expect(svc.state.calls).toEqual([
      'CreateCacheEntry', 'FinalizeCacheEntryUpload', 'CreateCacheEntry', 'FinalizeCacheEntryUpload', 'GetCacheEntryDownloadURL',
    ]);
  });

  test('branch and image keys do not bleed: main-old and web-worker are not main and web', async () => {
    const log = recorder();
    await actionsCacheBaselineStore({ dir, runId: '1', log }).save({ imageKey: 'web', branch: 'main-old' }, { source: 'actions-cache', analysis: analysis('old', 5) });
    await actionsCacheBaselineStore({ dir, runId: '2', log }).save({ imageKey: 'web-worker', branch: 'main' }, { source: 'actions-cache', analysis: analysis('w', 6) });
    expect(await actionsCacheBaselineStore({ dir, runId: '3', log }).load(key)).toBeUndefined();
    expect(await actionsCacheBaselineStore({ dir, runId: '3', log }).load({ imageKey: 'web', branch: 'main-old' })).toMatchObject({ analysis: { ref: 'old' } });
  });

  test('another PR cannot read a PR scope (GitHub cache isolation): miss, no warning', async () => {
    svc.state.writeScope = 'refs/pull/7/merge';
    await actionsCacheBaselineStore({ dir, runId: '1' , log: recorder() }).save(key, { source: 'actions-cache', analysis: analysis('pr7', 1) });
    svc.state.readScopes = ['refs/pull/8/merge', 'refs/heads/main'];
    const log = recorder();
    expect(await actionsCacheBaselineStore({ dir, runId: '2', log }).load(key)).toBeUndefined();
    expect(log.warnings).toEqual([]);
  });

  test('a malformed entry under our key is a warning naming the field, and a miss', async () => {
    // Written with @actions/cache directly, at the path the store uses, as a tampered or old-format entry would be.
    const path = join(dir, 'layerwise-baseline', 'web');
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'baseline.json'), JSON.stringify({ analysis: { ref: 'x', layers: 'many' } }));
    expect(await actionsCache.saveCache([path], `${baselineKeyPrefix(key)}999`)).toBeGreaterThan(0);
    const log = recorder();
    expect(await actionsCacheBaselineStore({ dir, runId: '1000', log }).load(key)).toBeUndefined();
    expect(log.warnings).toEqual([
      `layerwise: could not restore the baseline for web@main: baseline cache entry ${baselineKeyPrefix(key)}999: $.analysis.compressedBytes: expected a number from 0 to 1000000000000000`,
    ]);
  });

  test('a cache service error is a warning and a miss, never a throw', async () => {
    svc.state.failWith = 403;
    const log = recorder();
    const store = actionsCacheBaselineStore({ dir, runId: '1', log });
    await expect(store.save(key, { source: 'actions-cache', analysis: analysis('x', 1) })).resolves.toBeUndefined();
    await expect(store.load(key)).resolves.toBeUndefined();
    expect(log.warnings).toEqual(['layerwise: the baseline for web@main was not saved to the Actions cache']);
    expect(stdout.join('')).toMatch(/::warning::Failed to restore: .*403/);
  });

  test('an unreachable cache service is a warning and a miss', async () => {
    process.env.ACTIONS_RESULTS_URL = 'http://127.0.0.1:9/';
    const log = recorder();
    await expect(actionsCacheBaselineStore({ dir, runId: '1', log }).load(key)).resolves.toBeUndefined();
    expect(stdout.join('')).toMatch(/::warning::Failed to restore: .*ECONNREFUSED/);
  });

  test('no cache service (CLI, local run): a quiet miss', async () => {
    delete process.env.ACTIONS_RESULTS_URL;
    const log = recorder();
    expect(await actionsCacheBaselineStore({ dir, runId: '1', log }).load(key)).toBeUndefined();
    expect(log.warnings).toEqual([]);
    expect(log.infos[0]).toMatch(/not available here/);
  });
});

describeWithTestbed('baseline store over Azure host names (the Azure SDK path @actions/cache takes on GitHub)', () => {
  let svc: CacheService;
  let unroute: () => void;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    unroute = routeAzureHostsToLoopback();
    svc = await startCacheService({ azureHostnames: true });
    Object.assign(process.env, svc.env);
    delete process.env.GITHUB_SERVER_URL;
    dir = mkdtempSync(join(tmpdir(), 'layerwise-runner-temp-'));
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    unroute?.();
    rmSync(dir, { recursive: true, force: true });
    process.env = { ...saved };
  });

  test('save uploads with the Azure SDK; restore downloads with the Azure SDK (ranged, parallel)', async () => {
    const out: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    try {
      const key = { imageKey: 'web', branch: 'main' };
      const log = recorder();
      await actionsCacheBaselineStore({ dir, runId: '1', log }).save(key, { source: 'actions-cache', commit: 'c', analysis: analysis('az', 7_000) });
      const got = await actionsCacheBaselineStore({ dir, runId: '2', log }).load(key);
      expect(log.warnings).toEqual([]);
      expect(got?.analysis).toEqual(analysis('az', 7_000));
      // downloadCacheStorageSDK reports progress; the plain HTTP path does not.
      expect(out.join('')).toMatch(/Received \d+ of \d+ \(100\.0%\)/);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
