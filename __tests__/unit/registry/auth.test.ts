import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCredentials, parseWwwAuthenticate } from '../../../src/registry/auth.js';
import { nextLink } from '../../../src/registry/client.js';

describe('parseWwwAuthenticate', () => {
  test('bearer challenge with a comma inside the quoted scope', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' } },
    ]);
  });
  test('basic challenge, case-insensitive scheme and keys', () => {
    expect(parseWwwAuthenticate('basic Realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  });
  test('unquoted values, escapes and two challenges in one header', () => {
    expect(parseWwwAuthenticate('Basic realm=reg, Bearer realm="https://t/x?a=\\"b\\"", error="invalid_token"')).toEqual([
      { scheme: 'basic', params: { realm: 'reg' } },
      { scheme: 'bearer', params: { realm: 'https://t/x?a="b"', error: 'invalid_token' } },
    ]);
  });
  test('garbage gives no usable challenge', () => {
    expect(parseWwwAuthenticate('').length).toBe(0);
    expect(parseWwwAuthenticate('=== ,,,')).toEqual([]);
  });
});

describe('nextLink', () => {
  test('reads rel="next" among several links', () => {
    expect(nextLink('</v2/a/tags/list?last=x&n=2>; rel="next"')).toBe('/v2/a/tags/list?last=x&n=2');
    expect(nextLink('<https://r/v2/p?a=1>; rel="prev", <https://r/v2/n?a=2>; rel=next')).toBe('https://r/v2/n?a=2');
    expect(nextLink(null)).toBeUndefined();
    expect(nextLink('<x>; rel="prev"')).toBeUndefined();
  });
});

describe('dockerCredentials', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-auth-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (config: unknown) => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  test('auths[host].auth, keys with or without scheme', async () => {
    write({ auths: { 'https://localhost:5001': { auth: b64('layerwise:te:st') }, 'ghcr.io': { username: 'u', password: 'p' } } });
    expect(await dockerCredentials('localhost:5001', { DOCKER_CONFIG: dir })).toEqual({ credentials: { username: 'layerwise', password: 'te:st' } });
    expect(await dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ credentials: { username: 'u', password: 'p' } });
    expect(await dockerCredentials('quay.io', { DOCKER_CONFIG: dir })).toEqual({});
  });
  test("Docker Hub's legacy key", async () => {
    write({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    expect((await dockerCredentials('docker.io', { DOCKER_CONFIG: dir })).credentials).toEqual({ username: 'hub', password: 'pw' });
  });
  test('missing or broken config is anonymous', async () => {
    expect(await dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({});
    writeFileSync(join(dir, 'config.json'), '{not json');
    expect(await dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({});
  });
  test('a missing credential helper is a note, not a crash, and the note names no secret', async () => {
    write({ credsStore: 'layerwise-does-not-exist' });
    const r = await dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir, PATH: process.env.PATH });
    expect(r.credentials).toBeUndefined();
    expect(r.note).toContain('docker-credential-layerwise-does-not-exist');
  });
  test('identity tokens are reported as unsupported', async () => {
    write({ auths: { 'ghcr.io': { identitytoken: 'secret-token' } } });
    const r = await dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir });
    expect(r.note).toContain('identity token');
    expect(r.note).not.toContain('secret-token');
  });
});
