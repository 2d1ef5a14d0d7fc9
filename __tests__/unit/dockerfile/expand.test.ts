// Word expansion as BuildKit's shell lexer does it for FROM lines and global ARG defaults.
import { ExpandError, expandWord } from '../../../src/dockerfile/expand.js';
import { formatPlatform, parsePlatform, platformArgs } from '../../../src/core/platform.js';
import { invalidReference } from '../../../src/dockerfile/reference.js';
import { frontendVersion, rulesFor } from '../../../src/dockerfile/rules.js';

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

describe('frontend version', () => {
  test.each([
    [{}, 'latest'],
    [{ engineVersion: '20.10.24+dfsg1' }, '1.2'],
    [{ engineVersion: '23.0.6' }, '1.4'],
    [{ engineVersion: '25.0.3' }, '1.6'],
    [{ engineVersion: '26.1.5+dfsg1' }, '1.7'],
    [{ engineVersion: '27.0.3' }, '1.8'],
    [{ engineVersion: '27.2.1' }, '1.9'],
    [{ engineVersion: '27.3.1' }, '1.10'],
    [{ engineVersion: '27.4.0' }, '1.11.1'],
    [{ engineVersion: '27.5.1' }, '1.12'],
    [{ engineVersion: '28.0.4' }, 'latest'],
    [{ engineVersion: '29.1.0' }, 'latest'],
    [{ engineVersion: 'dev' }, 'latest'],
    [{ engineVersion: '26.1.5', syntax: 'docker/dockerfile:1' }, '1'],
    [{ engineVersion: '26.1.5', syntax: 'docker/dockerfile:1.7-labs' }, '1.7'],
    [{ engineVersion: '28.0.0', syntax: 'docker/dockerfile:1.4' }, '1.4'],
    [{ syntax: 'docker.io/docker/dockerfile:1.11' }, '1.11'],
    [{ syntax: 'docker/dockerfile:1.11.0' }, '1.11.0'],
    [{ syntax: 'docker/dockerfile:1.11.0-labs' }, '1.11.0'],
    [{ syntax: 'docker/dockerfile:1@sha256:' + 'a'.repeat(64) }, '1'],
    [{ syntax: 'docker/dockerfile' }, 'latest'],
    [{ syntax: 'docker/dockerfile:labs' }, 'latest'],
    [{ syntax: 'docker/dockerfile:experimental' }, '1.1'],
    [{ syntax: 'docker/dockerfile:1.2-experimental' }, '1.2'],
    [{ syntax: 'docker/dockerfile:1.0.0-experimental' }, '1.0.0'],
    [{ syntax: 'docker/dockerfile-upstream:1.4.0' }, '1.4.0'],
    [{ syntax: 'docker/dockerfile-upstream:master-labs' }, 'latest'],
    [{ syntax: 'ghcr.io/acme/frontend:2' }, 'latest'],
    [{ syntax: 'docker/dockerfile:1.4', syntaxArg: 'docker/dockerfile:1.12 --some-option' }, '1.12'],
  ] as const)('%j → %s', (input, version) => expect(frontendVersion(input)).toBe(version));

  test.each([
    ['1.2', { argWithoutDefault: 'empty', badArgDefault: 'empty', onbuildDependencies: false, targetStageArg: false, osVersionArgs: false }],
    ['1.7', { argWithoutDefault: 'empty', badArgDefault: 'empty', onbuildDependencies: false, targetStageArg: false, osVersionArgs: false }],
    ['1.8', { argWithoutDefault: 'empty', badArgDefault: 'error', onbuildDependencies: false, targetStageArg: false, osVersionArgs: false }],
    ['1.10', { argWithoutDefault: 'empty', badArgDefault: 'error', onbuildDependencies: false, targetStageArg: false, osVersionArgs: false }],
    ['1.11.0', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: false, targetStageArg: true, osVersionArgs: false }],
    ['1.11', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: true, targetStageArg: true, osVersionArgs: false }],
    ['1.11.1', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: true, targetStageArg: true, osVersionArgs: false }],
    ['1.13', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: true, targetStageArg: true, osVersionArgs: true }],
    ['1', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: true, targetStageArg: true, osVersionArgs: true }],
    ['latest', { argWithoutDefault: 'unset', badArgDefault: 'error', onbuildDependencies: true, targetStageArg: true, osVersionArgs: true }],
  ] as const)('rules of %s', (version, rules) => expect(rulesFor(version)).toEqual({ version, ...rules }));
});
