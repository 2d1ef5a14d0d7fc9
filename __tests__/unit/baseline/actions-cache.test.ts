import { baselineCacheKey, baselineKeyPrefix } from '../../../src/baseline/actions-cache.js';

describe('baseline cache keys', () => {
  test('keys: prefix per image and branch, unique per run, no prefix collisions, valid for the cache service', () => {
    const key = { imageKey: 'web', branch: 'main' };
    expect(baselineKeyPrefix(key)).toBe('layerwise-baseline-v1-web-main-');
    expect(baselineCacheKey(key, '123-1')).toBe('layerwise-baseline-v1-web-main-123%2D1');
    expect(baselineCacheKey({ imageKey: 'web', branch: 'main-old' }, '1').startsWith(baselineKeyPrefix(key))).toBe(false);
    expect(baselineCacheKey({ imageKey: 'web-x', branch: 'main' }, '1').startsWith(baselineKeyPrefix(key))).toBe(false);
    const odd = baselineCacheKey({ imageKey: 'a,b c', branch: 'feat/x,y' }, '1');
    expect(odd).not.toMatch(/[, ]/);
  });
});
