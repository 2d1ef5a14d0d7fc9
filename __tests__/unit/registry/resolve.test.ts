import type { Descriptor } from '../../../src/registry/media-types.js';
import { pickPlatform } from '../../../src/registry/resolve.js';

const d = (digit: string, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${digit.repeat(64)}`,
  size: 500,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

describe('pickPlatform', () => {
  const index = [d('0', 'unknown', 'unknown'), d('1', 'linux', 'amd64'), d('2', 'linux', 'arm', 'v6'), d('3', 'linux', 'arm', 'v7'), d('4', 'linux', 'arm64', 'v8')];
  test('matches os/arch, then the variant when one is asked for', () => {
    expect(pickPlatform(index, 'linux/amd64')?.digest).toBe(index[1].digest);
    expect(pickPlatform(index, 'linux/arm/v7')?.digest).toBe(index[3].digest);
    expect(pickPlatform(index, 'linux/arm')?.digest).toBe(index[2].digest);
    expect(pickPlatform(index, 'linux/arm64')?.digest).toBe(index[4].digest);
  });
  test('attestation manifests (unknown/unknown) and absent platforms never match', () => {
    expect(pickPlatform([index[0]], 'linux/amd64')).toBeUndefined();
    expect(pickPlatform(index, 'windows/amd64')).toBeUndefined();
  });
});
