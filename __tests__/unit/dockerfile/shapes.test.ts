// Real-world Dockerfile shapes → exact stage graphs. Lines are 1-based; unnamed stages are named by index.
import { buildStageGraph, buildableStages, type StageGraphOptions } from '../../../src/dockerfile/graph.js';
import type { StageBase } from '../../../src/dockerfile/types.js';

interface Shape {
  name: string;
  lines: string[];
  opts?: Omit<StageGraphOptions, 'file'>;
  target: string;
  needed: string[];
  skipped: string[];
  dependsOn?: Record<string, string[]>;
  stageLines?: Record<string, number>;
  bases?: Record<string, StageBase>;
  buildable?: string[];
  warnings?: RegExp[];
  syntax?: string;
  /** Frontend version expected in the graph (default: opts.frontend resolved, else latest). */
  frontend?: string;
  /** Line ending; default \n. */
  eol?: string;
}

const img = (ref: string): StageBase => ({ kind: 'image', ref });
const stage = (name: string): StageBase => ({ kind: 'stage', name });
const amd64 = { platform: 'linux/amd64', buildPlatform: 'linux/amd64' };

const shapes: Shape[] = [
  {
    name: 'Go: builder + scratch runtime, global ARG in FROM',
    lines: ['# syntax=docker/dockerfile:1', 'ARG GO_VERSION=1.22', 'FROM golang:${GO_VERSION}-bookworm AS build', 'WORKDIR /src', 'COPY go.* ./',
      'RUN --mount=type=cache,target=/go/pkg/mod go mod download', 'COPY . .', 'RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app',
      '', 'FROM scratch', 'COPY --from=build /out/app /app', 'ENTRYPOINT ["/app"]'],
    target: '1', needed: ['build', '1'], skipped: [],
    dependsOn: { build: [], 1: ['build'] }, stageLines: { build: 3, 1: 10 },
    bases: { build: img('golang:1.22-bookworm'), 1: { kind: 'scratch' } }, buildable: ['build', '1'], syntax: 'docker/dockerfile:1', frontend: '1',
  },
  {
    name: 'Node: deps → build → runtime, test stage skipped',
    lines: ['ARG NODE=20', 'FROM node:${NODE}-slim AS deps', 'WORKDIR /app', 'COPY package*.json ./', 'RUN --mount=type=cache,target=/root/.npm npm ci',
      'FROM deps AS build', 'COPY . .', 'RUN npm run build', 'FROM deps AS test', 'RUN npm test',
      'FROM node:${NODE}-slim AS runtime', 'COPY --from=deps /app/node_modules ./node_modules', 'COPY --from=build /app/dist ./dist'],
    target: 'runtime', needed: ['deps', 'build', 'runtime'], skipped: ['test'],
    dependsOn: { deps: [], build: ['deps'], test: ['deps'], runtime: ['deps', 'build'] }, stageLines: { deps: 2, build: 6, test: 9, runtime: 11 },
    bases: { build: stage('deps'), runtime: img('node:20-slim') },
  },
  {
    name: 'Node: --build-arg overrides the global default',
    lines: ['ARG NODE=20', 'FROM node:${NODE}-alpine AS app', 'RUN node -v'],
    opts: { buildArgs: { NODE: '22' } },
    target: 'app', needed: ['app'], skipped: [], bases: { app: img('node:22-alpine') },
  },
  {
    name: 'Python: wheels builder and slim runtime with a cache mount and a bind mount from the builder',
    lines: ['FROM python:3.12-slim AS base', 'ENV PYTHONDONTWRITEBYTECODE=1', 'FROM base AS builder', 'RUN --mount=type=cache,target=/root/.cache/pip pip wheel -w /wheels -r requirements.txt',
      'FROM base AS runtime', 'RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels pip install /wheels/*'],
    target: 'runtime', needed: ['base', 'builder', 'runtime'], skipped: [],
    dependsOn: { base: [], builder: ['base'], runtime: ['base', 'builder'] },
  },
  {
    name: 'Rust: cargo-chef planner / cook / build / runtime',
    lines: ['FROM lukemathwalker/cargo-chef:latest-rust-1 AS chef', 'WORKDIR /app', 'FROM chef AS planner', 'COPY . .', 'RUN cargo chef prepare --recipe-path recipe.json',
      'FROM chef AS builder', 'COPY --from=planner /app/recipe.json recipe.json', 'RUN cargo chef cook --release --recipe-path recipe.json', 'COPY . .', 'RUN cargo build --release',
      'FROM debian:bookworm-slim AS runtime', 'COPY --from=builder /app/target/release/app /usr/local/bin/app'],
    target: 'runtime', needed: ['chef', 'planner', 'builder', 'runtime'], skipped: [],
    dependsOn: { chef: [], planner: ['chef'], builder: ['chef', 'planner'], runtime: ['builder'] },
    bases: { chef: img('lukemathwalker/cargo-chef:latest-rust-1'), runtime: img('debian:bookworm-slim') },
  },
  {
    name: 'Java: maven build, jlink runtime, distroless-like final from both',
    lines: ['FROM maven:3-eclipse-temurin-21 AS build', 'RUN --mount=type=cache,target=/root/.m2 mvn -q package', 'FROM eclipse-temurin:21 AS jre',
      'RUN jlink --add-modules java.base --output /jre', 'FROM debian:bookworm-slim', 'COPY --from=jre /jre /opt/jre', 'COPY --from=build /target/app.jar /app.jar'],
    target: '2', needed: ['build', 'jre', '2'], skipped: [], dependsOn: { 2: ['jre', 'build'] }, buildable: ['build', 'jre', '2'],
  },
  {
    name: 'numeric --from: unnamed builder copied by index, not targetable',
    lines: ['FROM golang:1.22', 'RUN go build -o /app .', 'FROM alpine:3.20 AS app', 'COPY --from=0 /app /app'],
    target: 'app', needed: ['0', 'app'], skipped: [], dependsOn: { app: ['0'] }, buildable: ['app'],
  },
  {
    name: 'ARG-driven FROM picks a stage',
    lines: ['ARG FLAVOR=slim', 'FROM debian:bookworm AS full', 'FROM debian:bookworm-slim AS slim', 'FROM ${FLAVOR} AS final', 'RUN echo'],
    opts: { buildArgs: { FLAVOR: 'full' } },
    target: 'final', needed: ['full', 'final'], skipped: ['slim'], bases: { final: stage('full') },
  },
  {
    name: 'global ARG defaults may use earlier global ARGs and platform ARGs',
    lines: ['ARG REG=registry.example.com', 'ARG IMAGE=${REG}/base-${TARGETARCH}:1', 'FROM ${IMAGE} AS app'],
    opts: { platform: 'linux/arm64' },
    target: 'app', needed: ['app'], skipped: [], bases: { app: img('registry.example.com/base-arm64:1') },
  },
  {
    name: 'TARGETARCH selects the per-architecture stage',
    lines: ['FROM scratch AS bin-amd64', 'COPY amd64/app /app', 'FROM scratch AS bin-arm64', 'COPY arm64/app /app', 'FROM bin-${TARGETARCH} AS out'],
    opts: { platform: 'linux/arm64' },
    target: 'out', needed: ['bin-arm64', 'out'], skipped: ['bin-amd64'], bases: { out: stage('bin-arm64') },
  },
  {
    name: 'TARGETOS/TARGETVARIANT for linux/arm/v7, BUILDPLATFORM in FROM --platform',
    lines: ['FROM --platform=$BUILDPLATFORM golang:1.22 AS cross', 'RUN GOOS=$TARGETOS go build', 'FROM scratch AS bin-linux-arm-v7', 'COPY --from=cross /app /app',
      'FROM bin-${TARGETOS}-${TARGETARCH}-${TARGETVARIANT}'],
    opts: { platform: 'linux/arm/v7', buildPlatform: 'linux/amd64' },
    target: '2', needed: ['cross', 'bin-linux-arm-v7', '2'], skipped: [], bases: { 2: stage('bin-linux-arm-v7') },
  },
  {
    name: 'an ARG redeclared inside a stage does not change later FROM lines',
    lines: ['ARG TAG=1', 'FROM busybox:${TAG} AS a', 'ARG TAG=2', 'FROM busybox:${TAG} AS b'],
    target: 'b', needed: ['b'], skipped: ['a'], bases: { b: img('busybox:1') },
  },
  {
    name: 'a --build-arg without a global ARG is not visible to FROM',
    lines: ['FROM busybox:${TAG:-latest} AS a'],
    opts: { buildArgs: { TAG: '9' } },
    target: 'a', needed: ['a'], skipped: [], bases: { a: img('busybox:latest') },
  },
  {
    name: 'quoted base and ${VAR:+word} / ${VAR#prefix} expansions',
    lines: ['ARG V=v1.2', 'ARG SUFFIX', 'FROM "alpine:${V#v}${SUFFIX:+-$SUFFIX}" AS a'],
    target: 'a', needed: ['a'], skipped: [], bases: { a: img('alpine:1.2') },
  },
  {
    name: 'RUN --mount from an external image is not a stage dependency',
    lines: ['FROM alpine:3.20 AS a', 'RUN --mount=type=bind,from=busybox:1.36,source=/bin/busybox,target=/bb /bb true'],
    target: 'a', needed: ['a'], skipped: [], dependsOn: { a: [] },
  },
  {
    name: 'COPY --from an external image',
    lines: ['FROM alpine:3.20', 'COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx.conf'],
    target: '0', needed: ['0'], skipped: [], dependsOn: { 0: [] },
  },
  {
    name: 'heredoc bodies are not instructions (a FROM line inside a heredoc)',
    lines: ['FROM alpine:3.20 AS gen', 'RUN <<EOF', 'echo generating', 'FROM nothing AS fake', 'EOF', 'COPY <<-EOT /etc/motd', '\thello', '\tEOT',
      'FROM scratch AS out', 'COPY --from=gen /etc/motd /motd'],
    target: 'out', needed: ['gen', 'out'], skipped: [], stageLines: { gen: 1, out: 9 },
  },
  {
    name: 'parallel independent stages in file order',
    lines: ['FROM alpine AS lint', 'RUN lint', 'FROM alpine AS assets', 'RUN build-assets', 'FROM alpine AS docs', 'RUN build-docs',
      'FROM alpine AS final', 'COPY --from=docs /d /d', 'COPY --from=assets /a /a'],
    target: 'final', needed: ['assets', 'docs', 'final'], skipped: ['lint'], dependsOn: { final: ['docs', 'assets'] },
  },
  {
    name: 'diamond: base → left, right → final',
    lines: ['FROM alpine AS base', 'FROM base AS left', 'FROM base AS right', 'FROM base AS final', 'COPY --from=right /r /r', 'COPY --from=left /l /l'],
    target: 'final', needed: ['base', 'left', 'right', 'final'], skipped: [], dependsOn: { final: ['base', 'right', 'left'] },
  },
  {
    name: 'target in the middle (case-insensitive --target)',
    lines: ['FROM golang AS deps', 'FROM deps AS build', 'FROM build AS test', 'FROM scratch AS release', 'COPY --from=build /app /app'],
    opts: { target: 'BUILD' },
    target: 'build', needed: ['deps', 'build'], skipped: ['test', 'release'],
  },
  {
    name: 'mixed-case stage names are lower-cased, COPY --from matches any case',
    lines: ['FROM alpine AS Builder', 'FROM scratch', 'COPY --from=BUILDER /x /x'],
    target: '1', needed: ['builder', '1'], skipped: [], dependsOn: { 1: ['builder'] },
  },
  {
    name: 'duplicate stage name: FROM between the two gets the first, --from and --target get the last',
    lines: ['FROM busybox AS dup', 'RUN echo first > /which', 'FROM dup AS mid', 'FROM busybox AS dup', 'RUN echo second > /which',
      'FROM scratch AS final', 'COPY --from=dup /which /which', 'COPY --from=mid /mid /mid'],
    target: 'final', needed: ['0', 'mid', 'dup', 'final'], skipped: [],
    dependsOn: { mid: ['0'], final: ['dup', 'mid'] }, bases: { mid: stage('0') }, buildable: ['mid', 'dup', 'final'],
    warnings: [/^Dockerfile:4: stage name 'dup' is also defined on line 1; --target and --from use this later definition/],
  },
  {
    name: 'escape directive with backtick continuations and lower-case instructions',
    lines: ['# escape=`', 'from mcr.microsoft.com/windows/servercore:ltsc2022 `', '  as build', 'run echo hi `', '  there', 'from build'],
    target: '1', needed: ['build', '1'], skipped: [], stageLines: { build: 2, 1: 6 }, bases: { build: img('mcr.microsoft.com/windows/servercore:ltsc2022') },
  },
  {
    name: 'ONBUILD COPY --from runs in the child stage',
    lines: ['FROM busybox AS src', 'FROM busybox AS parent', 'ONBUILD COPY --from=src /src /src', 'FROM parent AS child', 'RUN cat /src'],
    target: 'child', needed: ['src', 'parent', 'child'], skipped: [], dependsOn: { parent: [], child: ['parent', 'src'] },
  },
  {
    name: 'current rules: a global ARG without a default is unset, so ${X-word} gives word',
    lines: ['ARG X', 'FROM scratch AS busy', 'FROM ${X-busy}'],
    target: '1', needed: ['busy', '1'], skipped: [], bases: { 1: stage('busy') },
  },
  {
    name: 'current rules: a global ARG TARGETARCH without a default keeps the platform value',
    lines: ['ARG TARGETARCH', 'FROM scratch AS archamd64', 'FROM scratch AS arch', 'FROM arch${TARGETARCH}'],
    target: '2', needed: ['archamd64', '2'], skipped: ['arch'],
  },
  {
    name: 'legacy rules: a global ARG TARGETARCH without a default blanks it',
    lines: ['ARG TARGETARCH', 'FROM scratch AS archamd64', 'FROM scratch AS arch', 'FROM arch${TARGETARCH}'],
    opts: { frontend: 'legacy' },
    target: '2', needed: ['arch', '2'], skipped: ['archamd64'],
  },
  {
    name: 'current rules: TARGETSTAGE is the --target as given',
    lines: ['ARG IMG=app-${TARGETSTAGE}', 'FROM ${IMG} AS Release'],
    opts: { target: 'release' },
    target: 'release', needed: ['release'], skipped: [], bases: { release: img('app-release') },
  },
  {
    name: 'legacy rules: a bad ${…} in a global ARG default becomes empty, with a warning',
    lines: ['ARG TAG=${:x}', 'FROM busybox${TAG} AS a'],
    opts: { frontend: 'legacy' },
    target: 'a', needed: ['a'], skipped: [], bases: { a: img('busybox') },
    warnings: [/^Dockerfile:1: ARG TAG=\$\{:x\}: syntax error: bad substitution; the value is empty$/],
  },
  {
    name: 'a forward --from in a skipped stage is fine',
    lines: ['FROM busybox AS a', 'COPY --from=b /b /b', 'FROM busybox AS b', 'FROM scratch AS final', 'COPY --from=b /b /b'],
    target: 'final', needed: ['b', 'final'], skipped: ['a'], dependsOn: { a: ['b'] },
  },
  {
    name: 'FROM a name defined only below is an image, with a warning',
    lines: ['FROM later AS x', 'FROM busybox AS later'],
    target: 'later', needed: ['later'], skipped: ['x'], bases: { x: img('later') },
    warnings: [/^Dockerfile:1: FROM later names the stage on line 2, but FROM sees only stages above it/],
  },
  {
    name: 'FROM stage:tag is an image, with a warning',
    lines: ['FROM golang:1.22 AS build', 'FROM build:latest AS test'],
    target: 'test', needed: ['test'], skipped: ['build'], bases: { test: img('build:latest') },
    warnings: [/^Dockerfile:2: FROM build:latest is an image, not the stage 'build' on line 1 \(a stage is named without a tag or digest\)$/],
  },
  {
    name: 'comments, blank lines, continuation inside FROM, syntax directive',
    lines: ['# syntax=docker/dockerfile:1.7', '', '# the builder', 'FROM \\', '  golang:1.22 \\', '  AS build', '', '# runtime', 'FROM gcr.io/distroless/static', 'COPY --from=build /a /a'],
    target: '1', needed: ['build', '1'], skipped: [], stageLines: { build: 4, 1: 9 }, bases: { 1: img('gcr.io/distroless/static') }, syntax: 'docker/dockerfile:1.7',
    frontend: '1.7', // a pinned frontend older than 1.11
  },
  {
    name: 'CRLF line endings (a Dockerfile saved on Windows)',
    lines: ['ARG B=busybox', 'FROM ${B} AS a', 'RUN echo \\', '  hi', 'FROM scratch', 'COPY --from=a /x /x', ''],
    eol: '\r\n',
    target: '1', needed: ['a', '1'], skipped: [], stageLines: { a: 2, 1: 5 }, bases: { a: img('busybox') },
  },
  {
    name: 'UTF-8 byte order mark before the first FROM',
    lines: ['\uFEFFFROM busybox AS a', 'FROM a'],
    target: '1', needed: ['a', '1'], skipped: [], bases: { a: img('busybox'), 1: stage('a') },
  },
  {
    name: 'registry with port and digest-pinned base',
    lines: ['FROM localhost:5000/team/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS a'],
    target: 'a', needed: ['a'], skipped: [],
  },
];

describe('stage graph shapes', () => {
  test('there are at least 25 shapes', () => expect(shapes.length).toBeGreaterThanOrEqual(25));

  test.each(shapes.map((s) => [s.name, s] as const))('%s', (_name, shape) => {
    const g = buildStageGraph(shape.lines.join(shape.eol ?? '\n'), { file: 'Dockerfile', ...amd64, ...shape.opts });
    expect(g.target).toBe(shape.target);
    expect(g.needed).toEqual(shape.needed);
    expect(g.skipped).toEqual(shape.skipped);
    const byName = Object.fromEntries(g.stages.map((s) => [s.name, s]));
    for (const [name, deps] of Object.entries(shape.dependsOn ?? {})) expect([name, byName[name]?.dependsOn]).toEqual([name, deps]);
    for (const [name, line] of Object.entries(shape.stageLines ?? {})) expect([name, byName[name]?.line]).toEqual([name, line]);
    for (const [name, base] of Object.entries(shape.bases ?? {})) expect([name, byName[name]?.base]).toEqual([name, base]);
    if (shape.buildable) expect(buildableStages(g).map((s) => s.name)).toEqual(shape.buildable);
    expect(g.warnings.length).toBe(shape.warnings?.length ?? 0);
    shape.warnings?.forEach((re, i) => expect(g.warnings[i]).toMatch(re));
    expect(g.syntax).toBe(shape.syntax);
    expect(g.frontend).toBe(shape.frontend ?? (shape.opts?.frontend === 'legacy' ? '1.7' : 'latest'));
  });

  test('instructions keep keyword, start line and text (continuations joined, heredoc bodies kept)', () => {
    const g = buildStageGraph(
      ['FROM busybox AS a', 'run apt-get update && \\', '    apt-get install -y curl', 'RUN <<EOF', 'echo one', 'EOF', 'ONBUILD COPY . /src', 'COPY --from=alpine:3 /x /y'].join('\n'),
      { file: 'Dockerfile', ...amd64 },
    );
    expect(g.stages[0].instructions).toEqual([
      { keyword: 'FROM', line: 1, text: 'FROM busybox AS a' },
      { keyword: 'RUN', line: 2, text: 'RUN apt-get update && apt-get install -y curl' },
      { keyword: 'RUN', line: 4, text: 'RUN <<EOF\necho one\nEOF' },
      { keyword: 'ONBUILD', line: 7, text: 'ONBUILD COPY . /src' },
      { keyword: 'COPY', line: 8, text: 'COPY --from=alpine:3 /x /y' },
    ]);
    expect(g.platform).toBe('linux/amd64');
    expect(g.stages[0].triggers).toBeUndefined();
  });

  test('ONBUILD triggers of the base stage are listed on the stage they run in', () => {
    const g = buildStageGraph(['FROM busybox AS parent', 'ONBUILD COPY . /src', 'onbuild run make', 'FROM parent AS child', 'FROM child AS grandchild'].join('\n'), {
      file: 'Dockerfile',
      ...amd64,
    });
    expect(g.stages.map((s) => s.triggers)).toEqual([
      undefined,
      [
        { keyword: 'COPY', line: 2, text: 'COPY . /src' },
        { keyword: 'RUN', line: 3, text: 'RUN make' },
      ],
      undefined,
    ]);
  });
});
