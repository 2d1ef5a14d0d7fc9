import { defaultCacheRepo, normaliseCacheRepo } from '../../../src/core/repository.js';
import { InputError } from '../../../src/core/errors.js';

describe('cache repository', () => {
  test('lowercases and keeps host:port', () => {
    expect(normaliseCacheRepo('GHCR.io/Acme/App-BuildCache', 'cache-repo')).toBe('ghcr.io/acme/app-buildcache');
    expect(normaliseCacheRepo('localhost:5000/x/y', 'cache-repo')).toBe('localhost:5000/x/y');
  });

  test('refuses tags, digests and bad names with the input named', () => {
    expect(() => normaliseCacheRepo('ghcr.io/acme/app:latest', '--cache-repo')).toThrow(InputError);
    expect(() => normaliseCacheRepo('ghcr.io/acme/app:latest', '--cache-repo')).toThrow(/--cache-repo: expected a repository without tag/);
    expect(() => normaliseCacheRepo('ghcr.io/acme/app@sha256:abc', 'input cache-repo')).toThrow(/input cache-repo/);
    expect(() => normaliseCacheRepo('ghcr.io/acme/-bad', 'cache-repo')).toThrow(/not a valid repository/);
  });

  test('default is the image repository plus -buildcache', () => {
    expect(defaultCacheRepo('ghcr.io/Acme/App:1.2')).toBe('ghcr.io/acme/app-buildcache');
    expect(defaultCacheRepo('localhost:5000/app')).toBe('localhost:5000/app-buildcache');
    expect(defaultCacheRepo('localhost:5000/app:v1@sha256:' + 'a'.repeat(64))).toBe('localhost:5000/app-buildcache');
  });
});
