import { sameIdentity } from '../../../src/buildx/identity.js';

const layers = ['sha256:aaa', 'sha256:bbb'];

describe('sameIdentity: is the pushed stage cache image the one this run loaded?', () => {
  test('same layers and content key: the same build', () => {
    expect(sameIdentity({ diffIds: layers, contentKey: 'k1' }, { diffIds: [...layers], contentKey: 'k1' })).toBe(true);
  });

  test('other layers (another build took the tag): not the same, whatever the keys say', () => {
    expect(sameIdentity({ diffIds: layers, contentKey: 'k1' }, { diffIds: ['sha256:aaa', 'sha256:ccc'], contentKey: 'k1' })).toBe(false);
    expect(sameIdentity({ diffIds: layers }, { diffIds: ['sha256:aaa'] })).toBe(false);
  });

  test('a build with a content key re-pushes a twin without it or with another one (so the next run can skip)', () => {
    expect(sameIdentity({ diffIds: layers, contentKey: 'k2' }, { diffIds: layers, contentKey: 'k1' })).toBe(false);
    expect(sameIdentity({ diffIds: layers, contentKey: 'k2' }, { diffIds: layers })).toBe(false);
  });

  test('a build without a key (skip-unchanged off) keeps a twin that has one', () => {
    expect(sameIdentity({ diffIds: layers }, { diffIds: layers, contentKey: 'k1' })).toBe(true);
  });
});
