// The corpus → buildable transform the BuildKit oracle uses: what it changes, and that it keeps the graph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { buildableDockerfile, familiar, markedStage, withoutSyntaxDirective, withoutUnsupportedFlags } from '../../helpers/buildable-dockerfile.js';
import { corpusCases, corpusOptions, type CorpusEntry } from '../../helpers/corpus.js';

const dir = fileURLToPath(new URL('../../fixtures/dockerfiles/', import.meta.url));
const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as Record<string, CorpusEntry>;
const opts = { baseImage: 'localhost:5000/base:1', engineVersion: '28.5.2' };

test('what changes: syntax, RUN, COPY/ADD sources, USER, ONBUILD, one marker per stage; FROM and flags stay (owners made numeric)', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'ARG GO=1.23',
    'FROM golang:${GO} AS build',
    'USER builder',
    'RUN --mount=type=cache,target=/root/.cache \\',
    '    --mount="type=bind,from=gen,source=/out,target=/gen" <<EOT',
    '  go build ./...',
    'EOT',
    'RUN apt-get install -y git',
    'COPY --link --chown=app:app --parents ["a", "b", "/dst/"]',
    'ADD --checksum=sha256:abc https://example.com/x.tgz /x.tgz',
    'ONBUILD COPY --from=build /app /app',
    'ONBUILD RUN make',
    'FROM scratch',
    'COPY <<EOF /motd',
    'hello',
    'EOF',
  ].join('\n');
  const graph = buildStageGraph(text, { file: 'Dockerfile', platform: 'linux/amd64' });
  const out = buildableDockerfile(text, graph, opts);
  expect(out.text.split('\n')).toEqual([
    '# check=skip=all',
    'ARG GO=1.23',
    'FROM golang:${GO} AS build',
    '#',
    'RUN --mount=type=cache,target=/.lw-mount-0     --mount="type=bind,from=gen,source=/,target=/.lw-mount-1" ["/bin/true"]',
    '#',
    '#',
    '#',
    '#',
    'COPY --link --chown=0:0 .lw-none* /dst/',
    'COPY .lw-none* /x.tgz',
    'ONBUILD COPY --from=build .lw-none* /app',
    '#',
    'COPY .lw/marker /.lw-stage-0',
    'FROM scratch',
    'COPY <<EOF /motd',
    'hello',
    'EOF',
    'COPY .lw/marker /.lw-stage-1',
    '',
  ]);
  expect(out.contexts).toEqual({ 'golang:1.23': 'docker-image://localhost:5000/base:1', gen: 'docker-image://localhost:5000/base:1' });
});

test.each([
  ['golang:1.23', 'golang:1.23'],
  ['docker.io/library/python:3.12', 'python:3.12'],
  ['docker.io/node:22-slim', 'node:22-slim'],
  ['docker.io/vaultwarden/web-vault@sha256:00', 'vaultwarden/web-vault@sha256:00'],
  ['library/busybox', 'busybox'],
  ['busybox:latest', 'busybox'],
  ['registry.docker.com/library/ruby:3', 'registry.docker.com/library/ruby:3'],
  ['localhost:5000/library/x', 'localhost:5000/library/x'],
])('familiar(%s) = %s', (ref, expected) => expect(familiar(ref)).toBe(expected));

test('markers and directives', () => {
  expect(markedStage('[build 4/4] COPY .lw/marker /.lw-stage-12')).toBe(12);
  expect(markedStage('[build 3/4] RUN true')).toBeUndefined();
  expect(withoutSyntaxDirective('# syntax = docker/dockerfile:1\n# escape=`\nFROM a\n# syntax=x')).toBe('# check=skip=all\n# escape=`\nFROM a\n# syntax=x');
  expect(withoutUnsupportedFlags('COPY --parents --exclude=*.md a b', '26.1.5')).toBe('COPY a b');
  expect(withoutUnsupportedFlags('COPY --parents --exclude=*.md a b', '28.5.2')).toBe('COPY --exclude=*.md a b');
});

describe.each(Object.keys(expectations).sort())('the transform keeps the graph of %s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  test.each(corpusCases(expectations[file]).filter(([, c]) => !c.error))('%s', (_label, c) => {
    const options = { file, ...corpusOptions(c), frontend: c.frontend ?? 'current' };
    const original = buildStageGraph(text, options);
    const out = buildableDockerfile(text, original, opts);
    const built = buildStageGraph(out.text, options);
    expect(built.stages.map((s) => [s.name, s.dependsOn])).toEqual(original.stages.map((s) => [s.name, s.dependsOn]));
    expect(built.needed).toEqual(original.needed);
    expect(out.text.match(/^COPY \.lw\/marker \/\.lw-stage-\d+$/gm)?.length).toBe(original.stages.length);
  });
});
