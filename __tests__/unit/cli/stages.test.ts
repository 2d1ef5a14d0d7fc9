// `layerwise stages` through the CLI dispatcher, on Dockerfiles in a temp directory.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { CliIO } from '../../../src/cli/types.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layerwise-stages-cli-'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    ['ARG NODE=20', 'FROM node:${NODE}-slim AS deps', 'RUN npm ci', 'FROM deps AS build', 'RUN npm run build', 'FROM deps AS test', 'RUN npm test',
      'FROM node:${NODE}-slim', 'COPY --from=deps /n /n', 'COPY --from=build /d /d'].join('\n'),
  );
  mkdirSync(join(dir, 'docker'));
  writeFileSync(join(dir, 'docker', 'dup.Dockerfile'), ['FROM busybox AS x', 'FROM busybox', 'FROM busybox AS x', 'COPY --from=1 /a /a'].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir, env: { NODE_FROM_ENV: '18', DOCKER_HOST: 'unix:///nonexistent/docker.sock' } };
  const code = await main(['stages', ...argv], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('--json has exactly the documented shape', async () => {
  const r = await run('--json', '--build-arg', 'NODE=22', '--platform', 'linux/amd64');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  expect(JSON.parse(r.out)).toEqual({
    target: '3',
    needed: ['deps', 'build', '3'],
    skipped: ['test'],
    stages: [
      { name: 'deps', index: 0, line: 2, base: { kind: 'image', ref: 'node:22-slim' }, dependsOn: [] },
      { name: 'build', index: 1, line: 4, base: { kind: 'stage', name: 'deps' }, dependsOn: ['deps'] },
      { name: 'test', index: 2, line: 6, base: { kind: 'stage', name: 'deps' }, dependsOn: ['deps'] },
      { name: '3', index: 3, line: 8, base: { kind: 'image', ref: 'node:22-slim' }, dependsOn: ['deps', 'build'] },
    ],
  });
});

test('--build-arg K takes K from the environment, like docker build, and is dropped when unset', async () => {
  writeFileSync(join(dir, 'env.Dockerfile'), ['ARG NODE_FROM_ENV=20', 'ARG UNSET_IN_ENV=x', 'FROM node:${NODE_FROM_ENV}-${UNSET_IN_ENV}'].join('\n'));
  const r = await run('-f', 'env.Dockerfile', '--json', '--build-arg', 'NODE_FROM_ENV', '--build-arg', 'UNSET_IN_ENV');
  expect(JSON.parse(r.out).stages[0].base).toEqual({ kind: 'image', ref: 'node:18-x' });
});

test('human output: tree, build order, skipped', async () => {
  const r = await run('--target', 'Build', '--platform', 'linux/arm64');
  expect(r.code).toBe(0);
  expect(r.out.split('\n')).toEqual([
    'Dockerfile: target build · linux/arm64 · 2 of 4 stages needed',
    '',
    'build    line 4  FROM deps',
    '└─ deps  line 2  FROM node:20-slim',
    '',
    'build order: deps → build',
    'skipped: test (line 6), stage 3 (unnamed) (line 8)',
  ]);
});

test('human output shows images read by COPY --from and RUN --mount, and repeated stages once', async () => {
  writeFileSync(
    join(dir, 'images.Dockerfile'),
    ['FROM golang:1.22 AS base', 'FROM base AS build', 'RUN --mount=type=bind,from=tools:1,target=/t make', 'FROM scratch',
      'COPY --from=nginx:1.27 /etc/nginx /etc/nginx', 'COPY --from=build /app /app', 'COPY --from=base /x /x'].join('\n'),
  );
  const r = await run('-f', 'images.Dockerfile', '--platform', 'linux/amd64');
  expect(r.out.split('\n')).toEqual([
    'images.Dockerfile: target stage 2 (unnamed) · linux/amd64 · 3 of 3 stages needed',
    '',
    'stage 2 (unnamed)    line 4  FROM scratch',
    '├─ build             line 2  FROM base  ← COPY --from line 6',
    '│  ├─ base           line 1  FROM golang:1.22',
    '│  └─ image tools:1  ← RUN --mount line 3',
    '├─ base              line 1  FROM golang:1.22  ← COPY --from line 7',
    '└─ image nginx:1.27  ← COPY --from line 5',
    '',
    'build order: base → build → stage 2 (unnamed)',
  ]);
});

test('--frontend legacy applies the pre-1.11 rules', async () => {
  writeFileSync(join(dir, 'arch.Dockerfile'), ['ARG TARGETARCH', 'FROM scratch AS archamd64', 'FROM scratch AS arch', 'FROM arch${TARGETARCH}'].join('\n'));
  const current = JSON.parse((await run('-f', 'arch.Dockerfile', '--platform', 'linux/amd64', '--json')).out);
  const legacy = JSON.parse((await run('-f', 'arch.Dockerfile', '--platform', 'linux/amd64', '--json', '--frontend', 'legacy')).out);
  expect([current.needed, legacy.needed]).toEqual([['archamd64', '2'], ['arch', '2']]);
});

test('--file relative to the working directory; warnings go to stderr; unnamed stages are marked', async () => {
  const r = await run('-f', 'docker/dup.Dockerfile');
  expect(r.code).toBe(0);
  expect(r.err).toBe("warning: docker/dup.Dockerfile:3: stage name 'x' is also defined on line 1; --target and --from use this later definition, the earlier one is reachable only by FROM x between the two");
  expect(r.out).toContain('build order: stage 1 (unnamed) → x');
  expect(r.out).toContain('not targetable (built inside the stages that use them): stage 1 (unnamed)');
});

test.each([
  [['--file', 'nope/Dockerfile'], 'layerwise stages: cannot read --file nope/Dockerfile (ENOENT; expected a readable Dockerfile)'],
  [['--file', '.'], 'layerwise stages: cannot read --file . (EISDIR; expected a readable Dockerfile)'],
  [['--target', 'prod'], "Dockerfile: --target 'prod': no stage has that name (expected one of: deps, build, test)"],
  [['--build-arg', '=22'], "layerwise stages --build-arg: expected KEY=VALUE, got '=22'"],
  [['--platform', 'linux/amd 64'], "Dockerfile: --platform 'linux/amd 64' is not a platform (expected os/arch[/variant], e.g. linux/amd64)"],
  [['--frontend', 'v0.13'], "layerwise stages --frontend: expected a version such as 1.7 or 1.11.0, legacy or current, got 'v0.13'"],
  [['Dockerfile'], "layerwise stages: unexpected argument 'Dockerfile' (expected flags only; the Dockerfile goes in --file)"],
])('%j → exit 2 with one line', async (argv, message) => {
  const r = await run(...argv);
  expect(r).toEqual({ code: 2, out: '', err: message });
});

test('an unknown flag is one line, exit 2', async () => {
  const r = await run('--tagret', 'x');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^layerwise stages: Unknown option '--tagret'/);
  expect(r.err).not.toContain('\n');
});

test('--help', async () => {
  const r = await run('--help');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^usage: layerwise stages \[--file F\]/);
  expect(r.out).toContain('"base" is');
});

test('a 3000-stage chain: the tree stops at depth 40, the build order lists every stage', async () => {
  writeFileSync(join(dir, 'chain.Dockerfile'), ['FROM busybox AS s0', ...Array.from({ length: 2999 }, (_, i) => `FROM s${i} AS s${i + 1}`)].join('\n'));
  const r = await run('-f', 'chain.Dockerfile', '--target', 's2999');
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  expect(lines[0]).toMatch(/^chain\.Dockerfile: target s2999 · linux\/\w+ · 3000 of 3000 stages needed$/);
  expect(lines.filter((l) => /line \d+/.test(l)).length).toBe(41);
  expect(r.out).toMatch(/└─ … +1 more below \(depth limit 40; see the build order\)\n/);
  expect(lines.find((l) => l.startsWith('build order:'))?.split(' → ').length).toBe(3000);
});

test('a 10 MB line: exit 2 with one line naming the file and line', async () => {
  writeFileSync(join(dir, 'huge.Dockerfile'), `FROM busybox\nRUN echo ${'x'.repeat(10 * 1024 * 1024)}\n`);
  const r = await run('-f', 'huge.Dockerfile');
  expect(r).toEqual({ code: 2, out: '', err: 'huge.Dockerfile:2: the line is longer than 65535 bytes (expected lines of at most 65535 bytes: BuildKit refuses longer ones)' });
});
