import { branchScope, cacheRef, cacheTag, sanitizeTagPart } from '../../../src/cache/refs.js';

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
