import { actionsCacheUsage, deadRefReason, formatActionsCachePrune, planActionsCachePrune, type ActionsCacheEntry } from '../../../src/prune/actions-cache-plan.js';

const entry = (id: number, ref: string, key: string, sizeBytes = 1000): ActionsCacheEntry => ({ id, ref, key, sizeBytes });
const live = { openPrs: [7], branches: ['main', 'feat/x'] };

describe('Actions-cache prune plan', () => {
  test('dead refs: closed PRs and deleted branches; tags, live refs and unjudged criteria are left alone', () => {
    expect(deadRefReason('refs/pull/5/merge', live)).toBe('pull request #5 is closed');
    expect(deadRefReason('refs/pull/7/merge', live)).toBeUndefined();
    expect(deadRefReason('refs/heads/gone', live)).toBe('branch gone is deleted');
    expect(deadRefReason('refs/heads/feat/x', live)).toBeUndefined();
    expect(deadRefReason('refs/tags/v1', live)).toBeUndefined();
    expect(deadRefReason('refs/pull/5/merge', { branches: [] })).toBeUndefined();
    expect(deadRefReason('refs/heads/gone', { openPrs: [] })).toBeUndefined();
  });

  test("only BuildKit's and layerwise's entries in dead refs go; another tool's entry stays", () => {
    const plan = planActionsCachePrune(
      [
        entry(1, 'refs/pull/5/merge', 'index-app/build/pr-5-1-0a1b2c3d'),
        entry(2, 'refs/pull/5/merge', 'buildkit-blob-1-sha256:abc', 5000),
        entry(3, 'refs/pull/5/merge', 'node-modules-linux-abc'),
        entry(4, 'refs/heads/main', 'index-app/build/br-main-1-f921bd05'),
        entry(5, 'refs/heads/gone', 'layerwise-result-v1-app-abc'),
      ],
      live,
    );
    expect(plan.remove.map((e) => [e.id, e.reason])).toEqual([[1, 'pull request #5 is closed'], [2, 'pull request #5 is closed'], [5, 'branch gone is deleted']]);
    expect(plan.kept).toBe(2);
    expect(plan.bytesFreed).toBe(7000);
  });

  test('the log lines: hostile keys escaped, the freed bytes, the dry-run hint', () => {
    const plan = planActionsCachePrune([entry(1, 'refs/pull/5/merge', 'index-\u001b[31mred')], live);
    const lines = formatActionsCachePrune({ plan, seen: 3, deleted: [], warnings: [] }, true, 'set prune-dry-run: false to delete');
    expect(lines[0]).toContain('index-\\u001b[31mred');
    expect(lines.at(-1)).toBe('dry run: 1 of 3 stage-cache entries in the Actions cache would go, freeing 1.00 kB; set prune-dry-run: false to delete');
    expect(formatActionsCachePrune({ plan, seen: 3, deleted: [1], warnings: ['w'] }, false, '').slice(-2)).toEqual(['deleted 1 of 3 stage-cache entries in the Actions cache, freeing 1.00 kB', 'warning: w']);
  });

  test("usage: the stage caches' bytes against the quota, GitHub's default when the limit is unknown", () => {
    const entries = [entry(1, 'refs/heads/main', 'index-a', 100), entry(2, 'refs/heads/main', 'buildkit-blob-1-x', 900), entry(3, 'refs/heads/main', 'npm-x', 50)];
    expect(actionsCacheUsage(entries, 1050, undefined)).toEqual({ stageBytes: 1000, stageEntries: 2, totalBytes: 1050, quotaBytes: 10e9, quotaKnown: false });
    expect(actionsCacheUsage(entries, 1050, 20e9).quotaKnown).toBe(true);
  });
});
