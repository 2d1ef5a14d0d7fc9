import { decideCachePolicy } from '../../../src/cache/policy.js';
import type { RunContext } from '../../../src/core/run-context.js';

const cache = { fallbackScopes: [], writePrScope: false };
const base: RunContext = { event: 'push', repository: 'acme/app', sha: 'abc', branch: 'feature/x', defaultBranch: 'main', fork: false, actor: 'alice', readOnly: false, canComment: true, untrustedHead: false };
const pr = (over: Partial<RunContext> = {}): RunContext => ({
  ...base,
  event: 'pull_request',
  pr: { number: 42, baseRef: 'release/1.x', headRef: 'feature/x', headRepo: 'acme/app' },
  ...over,
});

describe('cache write policy', () => {
  test('a branch push reads and writes its own scope, then falls back to the default branch', () => {
    expect(decideCachePolicy(base, cache)).toMatchObject({ ownScope: 'br-feature-x', readScopes: ['br-feature-x', 'br-main'], writeScope: 'br-feature-x' });
  });

  test('the default branch reads itself once', () => {
    expect(decideCachePolicy({ ...base, branch: 'main' }, cache).readScopes).toEqual(['br-main']);
  });

  test('a PR reads base then default and writes nothing unless enabled', () => {
    const p = decideCachePolicy(pr(), cache);
    expect(p.readScopes).toEqual(['br-release-1.x', 'br-main']);
    expect(p.writeScope).toBeUndefined();
    expect(p.reason).toMatch(/write-pr-scope/);
    const enabled = decideCachePolicy(pr(), { ...cache, writePrScope: true });
    expect(enabled).toMatchObject({ readScopes: ['pr-42', 'br-release-1.x', 'br-main'], writeScope: 'pr-42' });
  });

  test('read-only contexts never write, even with PR writes enabled', () => {
    for (const ctx of [pr({ fork: true, readOnly: true }), pr({ actor: 'dependabot[bot]', readOnly: true }), pr({ event: 'pull_request_target', readOnly: true })]) {
      const p = decideCachePolicy(ctx, { ...cache, writePrScope: true });
      expect(p.writeScope).toBeUndefined();
      expect(p.readScopes).toContain('br-main');
      expect(p.reason).toMatch(/read-only/);
    }
    expect(decideCachePolicy({ ...base, readOnly: true }, cache).writeScope).toBeUndefined();
  });

  test('a merge queue run reads its own scope, then the branch it merges into', () => {
    const mq = decideCachePolicy({ ...base, event: 'merge_group', branch: 'gh-readonly-queue/release/pr-7', baseBranch: 'release' }, cache);
    expect(mq.readScopes).toEqual(['br-gh-readonly-queue-release-pr-7', 'br-release', 'br-main']);
  });

  test('a tag build without a branch reads the default branch only', () => {
    const p = decideCachePolicy({ ...base, event: 'release', branch: undefined }, cache);
    expect(p.readScopes).toEqual(['br-main']);
    expect(p.writeScope).toBeUndefined();
  });

  test('explicit scope and fallbacks (CLI)', () => {
    const ctx: RunContext = { event: 'cli', repository: '', sha: '', fork: false, actor: 'cli', readOnly: false, canComment: false, untrustedHead: false };
    expect(decideCachePolicy(ctx, { scope: 'Nightly/Run', fallbackScopes: ['br-main', 'br-main'], writePrScope: false })).toMatchObject({
      readScopes: ['nightly-run', 'br-main'],
      writeScope: 'nightly-run',
    });
  });
});
