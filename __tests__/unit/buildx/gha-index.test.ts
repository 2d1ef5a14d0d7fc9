import { ghaIndexKey, ghaRuntime, tokenCacheScopes } from '../../../src/buildx/gha-index.js';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('gha cache index lookup', () => {
  test("index keys as BuildKit writes them (seen on the bed's Docker 28.5: scope img/deps/br-main on refs/heads/main)", () => {
    expect(ghaIndexKey('img/deps/br-main', 'refs/heads/main')).toBe('index-img/deps/br-main-1-f921bd05');
  });

  test("the token's cache scopes come from its `ac` claim; anything else is none", () => {
    const ac = JSON.stringify([{ Scope: 'refs/pull/7/merge', Permission: 3 }, { Scope: 'refs/heads/main', Permission: 1 }]);
    expect(tokenCacheScopes(jwt({ ac }))).toEqual(['refs/pull/7/merge', 'refs/heads/main']);
    expect(tokenCacheScopes('not-a-jwt')).toEqual([]);
    expect(tokenCacheScopes(jwt({ ac: 5 }))).toEqual([]);
  });

  test('the v2 service only: buildx speaks the retired v1 protocol without ACTIONS_CACHE_SERVICE_V2', () => {
    const env = { ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/', ACTIONS_RUNTIME_TOKEN: 't' };
    expect(ghaRuntime(env)).toBeUndefined();
    expect(ghaRuntime({ ...env, ACTIONS_CACHE_SERVICE_V2: 'True' })).toEqual({ resultsUrl: 'http://127.0.0.1:1/', token: 't' });
    expect(ghaRuntime({ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RUNTIME_TOKEN: 't' })).toBeUndefined();
  });
});
