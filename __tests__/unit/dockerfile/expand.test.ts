// Word expansion as BuildKit's shell lexer does it for FROM lines and global ARG defaults.
import { ExpandError, expandWord } from '../../../src/dockerfile/expand.js';
import { formatPlatform, parsePlatform, platformArgs } from '../../../src/core/platform.js';
import { invalidReference } from '../../../src/dockerfile/reference.js';
import { frontendRules } from '../../../src/dockerfile/rules.js';

const env = new Map([
  ['IMG', 'golang'],
  ['TAG', '1.22.3'],
  ['EMPTY', ''],
  ['PATHY', 'registry.example.com/team/app'],
  ['FILE', 'app.tar.gz'],
]);

describe('expandWord', () => {
  test.each([
    ['$IMG:$TAG', 'golang:1.22.3'],
    ['${IMG}-bookworm', 'golang-bookworm'],
    ['${UNSET}', ''],
    ['${UNSET:-alpine}', 'alpine'],
    ['${EMPTY:-alpine}', 'alpine'],
    ['${EMPTY-alpine}', ''],
    ['${UNSET-alpine}', 'alpine'],
    ['${TAG:+v$TAG}', 'v1.22.3'],
    ['${EMPTY:+x}', ''],
    ['${EMPTY+x}', 'x'],
    ['${UNSET:-${IMG}}', 'golang'],
    ['${TAG%.*}', '1.22'],
    ['${TAG%%.*}', '1'],
    ['${TAG#*.}', '22.3'],
    ['${TAG##*.}', '3'],
    ['${PATHY##*/}', 'app'],
    ['${FILE%%.*}', 'app'],
    ['${TAG/./-}', '1-22.3'],
    ['${TAG//./-}', '1-22-3'],
    ['"$IMG:$TAG"', 'golang:1.22.3'],
    ["'$IMG'", '$IMG'],
    ['\\$IMG', '$IMG'],
    ['"a\\"b"', 'a"b'],
    ['cost$', 'cost$'],
    ['$-x', 'x'],
    ['${IMG:?}', 'golang'],
  ])('%s → %s', (word, expected) => {
    expect(expandWord(word, env).result).toBe(expected);
  });

  test('a backtick escape token', () => {
    expect(expandWord('`$IMG', env, '`').result).toBe('$IMG');
    expect(expandWord('C:\\path', env, '`').result).toBe('C:\\path');
  });

  test('records the variables that were set and used', () => {
    expect([...expandWord('${IMG}:${UNSET:-x}', env).matched]).toEqual(['IMG']);
  });

  test.each([
    ['${UNSET:?needs a value}', 'UNSET: needs a value'],
    ['${UNSET?}', 'UNSET: is not allowed to be unset'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${IMG', "syntax error: missing '}'"],
    ['${}', 'syntax error: bad substitution'],
    ['${IMG:=x}', 'unsupported modifier (:=) in substitution'],
    ['${IMG^^}', 'unsupported modifier (^) in substitution'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
    ['"open', 'unexpected end of statement while looking for matching double-quote'],
  ])('%s fails: %s', (word, message) => {
    expect(() => expandWord(word, env)).toThrow(new ExpandError(message));
  });
});

describe('platforms', () => {
  test.each([
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/6', 'linux/arm/v6'],
    ['LINUX/ARM64', 'linux/arm64'],
    ['windows/amd64', 'windows/amd64'],
    ['arm64', 'linux/arm64'],
  ])('%s → %s', (text, expected) => {
    expect(formatPlatform(parsePlatform(text, { os: 'linux', architecture: 'amd64', variant: '' })!)).toBe(expected);
  });

  test.each(['linux/amd 64', 'linux/amd64/v2/x', '', 'linux//amd64'])('%j is not a platform', (text) => {
    expect(parsePlatform(text)).toBeUndefined();
  });

  test('automatic platform ARGs', () => {
    const args = platformArgs(parsePlatform('linux/arm/v7')!, parsePlatform('linux/amd64')!);
    expect(Object.fromEntries(args)).toEqual({
      BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
      TARGETPLATFORM: 'linux/arm/v7', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7',
    });
  });
});

describe('image references', () => {
  test.each(['busybox', 'golang:1.22-bookworm', 'localhost:5000/team/app:1', 'ghcr.io/o/r@sha256:' + 'a'.repeat(64), 'MyRegistry.example.com/app', 'a__b/c-d.e'])(
    '%s is valid',
    (ref) => expect(invalidReference(ref)).toBeUndefined(),
  );
  test.each([
    ['Build', 'repository name must be lowercase'],
    ['Bad/Image', 'repository name must be lowercase'],
    ['${SRC}', 'invalid reference format'],
    ['app:bad tag', 'invalid tag'],
    ['app@sha256:xyz', 'invalid digest'],
    ['-app', 'invalid reference format'],
  ])('%s: %s', (ref, why) => expect(invalidReference(ref)).toBe(why));
});

describe('frontend rules', () => {
  test.each([
    [{}, 'current'],
    [{ engineVersion: '26.1.5+dfsg1' }, 'legacy'],
    [{ engineVersion: '27.5.1' }, 'legacy'],
    [{ engineVersion: '28.0.4' }, 'current'],
    [{ engineVersion: '29.1.0' }, 'current'],
    [{ engineVersion: 'dev' }, 'current'],
    [{ engineVersion: '26.1.5', syntax: 'docker/dockerfile:1' }, 'current'],
    [{ engineVersion: '26.1.5', syntax: 'docker/dockerfile:1.7-labs' }, 'legacy'],
    [{ engineVersion: '28.0.0', syntax: 'docker/dockerfile:1.4' }, 'legacy'],
    [{ syntax: 'docker.io/docker/dockerfile:1.11' }, 'current'],
    [{ syntax: 'docker/dockerfile:1@sha256:' + 'a'.repeat(64) }, 'current'],
    [{ syntax: 'docker/dockerfile' }, 'current'],
    [{ syntax: 'ghcr.io/acme/frontend:2' }, 'current'],
  ] as const)('%j → %s', (input, rules) => expect(frontendRules(input)).toBe(rules));
});
