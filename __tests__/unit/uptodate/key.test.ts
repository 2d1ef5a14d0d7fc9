import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { contentKey, externalImages, type ContentKeyInput } from '../../../src/uptodate/key.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const base: ContentKeyInput = {
  dockerfile: 'FROM alpine:3\nRUN echo hi\n',
  contextDigest: D('1'),
  buildArgs: { A: '1', B: '2' },
  target: 'app',
  platforms: ['linux/amd64'],
  baseDigests: { 'alpine:3': D('a') },
};

describe('contentKey', () => {
  test('is a sha256 digest, stable, and independent of record and platform order', () => {
    const k = contentKey(base);
    expect(k).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentKey({ ...base, buildArgs: { B: '2', A: '1' } })).toBe(k);
    expect(contentKey({ ...base, platforms: ['linux/arm64', 'linux/amd64'] })).toBe(contentKey({ ...base, platforms: ['linux/amd64', 'linux/arm64'] }));
  });
  test.each<[string, Partial<ContentKeyInput>]>([
    ['Dockerfile text', { dockerfile: 'FROM alpine:3\nRUN echo ho\n' }],
    ['context digest', { contextDigest: D('2') }],
    ['a build arg value', { buildArgs: { A: '1', B: '3' } }],
    ['a new build arg', { buildArgs: { A: '1', B: '2', C: '' } }],
    ['target', { target: 'test' }],
    ['no target', { target: undefined }],
    ['platform', { platforms: ['linux/arm64'] }],
    ['base digest (tag re-pointed)', { baseDigests: { 'alpine:3': D('b') } }],
    ['extra', { extra: { secretIds: 'npm' } }],
  ])('changes with %s', (_what, change) => {
    expect(contentKey({ ...base, ...change })).not.toBe(contentKey(base));
  });
  test('values cannot forge a different split (A="1,B=2" vs A="1", B="2")', () => {
    expect(contentKey({ ...base, buildArgs: { A: '1","B":"2' } })).not.toBe(contentKey({ ...base, buildArgs: { A: '1', B: '2' } }));
  });
});

describe('externalImages', () => {
  const text = [
    'ARG BASE=debian:12',
    'FROM ${BASE} AS deps',
    'FROM golang:1.22 AS build',
    'COPY --from=deps /x /x',
    'COPY --from=tools:1 /bin/t /t',
    'FROM scratch AS app',
    'COPY --from=build /out /out',
    'FROM node:20 AS unrelated',
  ].join('\n');
  test('lists bases and COPY --from images of the needed stages only, ARGs expanded', () => {
    const graph = buildStageGraph(text, { file: 'Dockerfile', target: 'app', buildArgs: { BASE: 'debian:13' } });
    expect(externalImages(graph)).toEqual(['debian:13', 'golang:1.22', 'tools:1']);
  });
});
