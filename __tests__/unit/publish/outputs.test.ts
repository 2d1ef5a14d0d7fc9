import { actionOutputs } from '../../../src/publish/outputs.js';
import { fixtureReport } from '../../helpers/report-fixture.js';

describe('actionOutputs', () => {
  test('sizes, delta against the baseline, verdict', () => {
    const r = fixtureReport();
    expect(actionOutputs(r, '/tmp/r.json')).toEqual({
      verdict: 'fail', size: '66200000', 'compressed-size': '33100000', 'size-delta': '30100000',
      'cache-hit-ratio': '', 'report-path': '/tmp/r.json', 'image-id': '', digest: '', skipped: 'false',
    });
  });

  test('no baseline → empty delta; build record → ratio, id, digest, skipped', () => {
    const r = fixtureReport();
    r.baseline = null;
    r.diff = null;
    r.build = {
      stages: [], cacheSources: [], totalSteps: 3, cachedSteps: 2, cacheHitRatio: 2 / 3, seconds: 4, mode: 'inline',
      imageId: 'sha256:abc', digest: 'sha256:def', warnings: [], upToDate: { key: 'k', ref: 'r' },
    };
    expect(actionOutputs(r, 'p')).toMatchObject({ 'size-delta': '', 'cache-hit-ratio': '0.667', 'image-id': 'sha256:abc', digest: 'sha256:def', skipped: 'true' });
  });
});
