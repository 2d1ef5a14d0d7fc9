import { InputError } from '../../../src/core/errors.js';
import { apiHost, formatImageRef, isLoopbackHost, manifestReference, parseImageRef } from '../../../src/registry/ref.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  test.each([
    ['busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['busybox:1.36', { registry: 'docker.io', repository: 'library/busybox', tag: '1.36' }],
    ['library/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['user/app:v1', { registry: 'docker.io', repository: 'user/app', tag: 'v1' }],
    ['docker.io/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['index.docker.io/user/app', { registry: 'docker.io', repository: 'user/app' }],
    ['ghcr.io/org/team/app:pr-12', { registry: 'ghcr.io', repository: 'org/team/app', tag: 'pr-12' }],
    ['localhost:5000/x/y:1', { registry: 'localhost:5000', repository: 'x/y', tag: '1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['Registry/app', { registry: 'Registry', repository: 'app' }],
    ['[::1]:5000/app:t', { registry: '[::1]:5000', repository: 'app', tag: 't' }],
    [`localhost:5000/app@${D}`, { registry: 'localhost:5000', repository: 'app', digest: D }],
    [`app:1@${D}`, { registry: 'docker.io', repository: 'library/app', tag: '1', digest: D }],
    ['a/b__c/d-e--f.g:T_1.x-y', { registry: 'docker.io', repository: 'a/b__c/d-e--f.g', tag: 'T_1.x-y' }],
  ])('%s', (input, expected) => {
    expect(parseImageRef(input)).toEqual(expected);
  });

  test.each([
    ['', 'empty'],
    ['docker.io/User/App', "repository name 'User/App' must be lowercase"],
    ['localhost:5000/App', 'must be lowercase'],
    ['app:bad tag', "tag 'bad tag'"],
    [`app:${'x'.repeat(129)}`, 'tag'],
    ['app@sha256:xyz', "digest 'sha256:xyz'"],
    ['a//b', "path component ''"],
    ['a/-b', "path component '-b'"],
    ['bad_host:x:1/app', 'not a valid host'],
  ])('rejects %j', (input, message) => {
    expect(() => parseImageRef(input)).toThrow(InputError);
    expect(() => parseImageRef(input)).toThrow(message);
  });

  test('error names the reference', () => {
    expect(() => parseImageRef('Foo')).toThrow("image reference 'Foo': repository name 'library/Foo' must be lowercase");
  });
});

describe('ref helpers', () => {
  test('manifestReference prefers the digest, then the tag, then latest', () => {
    expect(manifestReference(parseImageRef(`a:1@${D}`))).toBe(D);
    expect(manifestReference(parseImageRef('a:1'))).toBe('1');
    expect(manifestReference(parseImageRef('a'))).toBe('latest');
  });
  test('formatImageRef round-trips the canonical form', () => {
    expect(formatImageRef(parseImageRef('busybox:1'))).toBe('docker.io/library/busybox:1');
    expect(formatImageRef(parseImageRef(`localhost:5000/a/b:t@${D}`))).toBe(`localhost:5000/a/b:t@${D}`);
  });
  test('Docker Hub API host and loopback detection', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
    for (const h of ['localhost:5000', 'localhost', '127.0.0.1:5001', '127.1.2.3', '[::1]:5000']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['ghcr.io', 'localhost.example.com', '10.0.0.1:5000', 'docker.io']) expect(isLoopbackHost(h)).toBe(false);
  });
});
