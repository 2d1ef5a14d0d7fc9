import { branchScope, cacheRef, cacheTag, defaultCacheRepo, normaliseCacheRepo, sanitizeTagPart } from '../../../src/cache/refs.js';
import { InputError } from '../../../src/core/errors.js';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

describe('cache tags', () => {
  test('branch scopes are sanitised to the OCI tag grammar', () => {
    expect(branchScope('main')).toBe('br-main');
    expect(branchScope('refs/heads/Feature/Login_Page')).toBe('br-feature-login_page');
    expect(branchScope('dependabot/npm_and_yarn/@types/node-20.1')).toBe('br-dependabot-npm_and_yarn-types-node-20.1');
    expect(sanitizeTagPart('..weird  name//')).toBe('weird-name');
    expect(sanitizeTagPart('💥')).toBe('x');
  });

  test('tag is <stage>--<scope>', () => {
    expect(cacheTag('deps', 'br-main')).toBe('deps--br-main');
    expect(cacheRef('ghcr.io/acme/app-buildcache', 'Build', 'pr-42')).toBe('ghcr.io/acme/app-buildcache:build--pr-42');
  });

  test('long tags are cut to 128 characters with a hash that keeps them distinct', () => {
    const a = cacheTag('builder', branchScope('feature/' + 'a'.repeat(200)));
    const b = cacheTag('builder', branchScope('feature/' + 'a'.repeat(199) + 'b'));
    expect(a).toHaveLength(128);
    expect(b).toHaveLength(128);
    expect(a).not.toBe(b);
    expect(a).toMatch(TAG);
    expect(a.startsWith('builder--br-feature-aaaa')).toBe(true);
    expect(a).toMatch(/-[0-9a-f]{8}$/);
  });
});

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
