import { cacheTag } from '../../../src/cache/refs.js';
import { InputError } from '../../../src/core/errors.js';
import { parseCacheTag, parseRetention, planPrune, type CacheManifestInfo } from '../../../src/prune/plan.js';

const D = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const NOW = new Date('2026-11-23T09:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const info = (tag: string, digest: number, blobs: [number, number][], created = daysAgo(1)): CacheManifestInfo => ({
  tag,
  digest: D(digest),
  created,
  blobs: blobs.map(([b, size]) => ({ digest: D(1000 + b), size })),
});

describe('parseRetention', () => {
  test.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['90m', 90 * 60_000],
    [' 1.5d ', 1.5 * 86_400_000],
  ])('%s', (text, ms) => expect(parseRetention(text, 'input retention')).toBe(ms));
  test.each(['', '0', 'off', undefined])('%j is no limit', (text) => expect(parseRetention(text, 'x')).toBeUndefined());
  test('bad values name the input', () => {
    expect(() => parseRetention('30 days', 'input prune-retention')).toThrow(InputError);
    expect(() => parseRetention('-1d', 'input prune-retention')).toThrow("input prune-retention: expected a duration like 30d, 12h, 2w or 90m (or 0/off), got '-1d'");
  });
});

describe('parseCacheTag', () => {
  test('splits at the first double dash', () => {
    expect(parseCacheTag('build--pr-12')).toEqual({ stage: 'build', scope: 'pr-12' });
    expect(parseCacheTag('deps--br-feature-x')).toEqual({ stage: 'deps', scope: 'br-feature-x' });
    expect(parseCacheTag('build--pr-12--full')).toEqual({ stage: 'build', scope: 'pr-12', variant: 'full' });
    expect(parseCacheTag('deps--br-main--full')).toEqual({ stage: 'deps', scope: 'br-main', variant: 'full' });
    expect(parseCacheTag('latest')).toBeNull();
    expect(parseCacheTag('--x')).toBeNull();
    expect(parseCacheTag('x--')).toBeNull();
  });
});

describe('planPrune with inline --full tags', () => {
  test('a --full tag lives and dies with its scope', () => {
    const plan = planPrune(
      [info('build--pr-12--full', 1, [[1, 10]]), info('build--pr-13--full', 2, [[2, 20]]), info('deps--br-main--full', 3, [[3, 30]])],
      { openPrs: [13], branches: ['main'] },
      undefined,
      NOW,
    );
    expect(plan.remove.flatMap((r) => r.tags.map((t) => `${t.tag}: ${t.reason}`))).toEqual(['build--pr-12--full: PR #12 is closed']);
    expect(plan.keep.map((k) => k.tag).sort()).toEqual(['build--pr-13--full', 'deps--br-main--full']);
  });
});

describe('planPrune', () => {
  const tags = [
    info('build--pr-12', 1, [[1, 100], [2, 1000]]), // closed PR
    info('app--pr-12', 2, [[1, 100], [3, 50]]), // closed PR
    info('build--pr-13', 3, [[1, 100], [4, 700]]), // open PR
    info('build--br-main', 4, [[1, 100], [5, 900]]),
    info('build--br-gone', 5, [[6, 300]]), // deleted branch
    info('build--br-old', 6, [[7, 400]], daysAgo(40)), // live branch, too old
    info('latest', 7, [[8, 10]], daysAgo(400)), // not ours
    info('app--br-main', 8, [[3, 50]]),
  ];
  const live = { openPrs: [13], branches: ['main', 'old', 'feature/x'] };

  test('closed PRs, deleted branches and old manifests go; bytes count only blobs no kept tag uses', () => {
    const plan = planPrune(tags, live, 30 * 86_400_000, NOW);
    expect(plan.remove.map((r) => r.tags.map((t) => `${t.tag}: ${t.reason}`))).toEqual([
      ['build--pr-12: PR #12 is closed'],
      ['app--pr-12: PR #12 is closed'],
      ['build--br-gone: branch gone no longer exists'],
      ['build--br-old: created 40 days ago, older than the retention'],
    ]);
    // blob 1 (kept by pr-13/main) and blob 3 (kept by app--br-main) are not freed: 1000 + 300 + 400
    expect(plan.bytesFreed).toBe(1700);
    expect(plan.keep.map((k) => k.tag).sort()).toEqual(['app--br-main', 'build--br-main', 'build--pr-13', 'latest']);
    expect(plan.keep.find((k) => k.tag === 'latest')?.reason).toBe('not a layerwise cache tag (<stage>--<scope>)');
  });

  test('unknown live lists apply no PR/branch criterion; no retention keeps old ones', () => {
    expect(planPrune(tags, {}, undefined, NOW).remove).toEqual([]);
    const onlyPrs = planPrune(tags, { openPrs: [13] }, undefined, NOW);
    expect(onlyPrs.remove.flatMap((r) => r.tags.map((t) => t.tag))).toEqual(['build--pr-12', 'app--pr-12']);
  });

  test('a manifest shared with a kept tag is kept, with the reason', () => {
    const shared = [info('build--pr-12', 1, [[1, 5]]), info('build--br-main', 1, [[1, 5]])];
    const plan = planPrune(shared, live, undefined, NOW);
    expect(plan.remove).toEqual([]);
    expect(plan.keep.find((k) => k.tag === 'build--pr-12')?.reason).toBe('PR #12 is closed, but its manifest is shared with kept tag build--br-main');
  });

  test('tags of one manifest are grouped; protected scopes stay; truncated branch tags are matched exactly', () => {
    const longBranch = `feature/${'very-long-name-'.repeat(10)}`;
    const longTag = cacheTag('build', `br-${longBranch}`);
    expect(longTag.length).toBe(128);
    const plan = planPrune(
      [info('a--pr-1', 9, [[9, 10]]), info('b--pr-1', 9, [[9, 10]]), info('build--br-main', 4, [[1, 1]], daysAgo(99)), info(longTag, 10, [[10, 1]])],
      { openPrs: [], branches: ['main', longBranch] },
      86_400_000,
      NOW,
      { keepScopes: ['br-main'] },
    );
    expect(plan.remove.map((r) => [r.digest, r.tags.map((t) => t.tag)])).toEqual([[D(9), ['a--pr-1', 'b--pr-1']]]);
    expect(plan.bytesFreed).toBe(10);
    expect(plan.keep.map((k) => k.reason)).toEqual(['scope br-main is protected', 'live']);
  });
});
