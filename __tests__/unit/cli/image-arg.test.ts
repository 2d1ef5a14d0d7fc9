// `layerwise analyze X`: a path, stdin or an image reference, decided before anything talks to a daemon;
// mistyped paths and unreachable daemons are one line and exit 2, never a crash.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { classifyImageArgument, looksLikePath, type PathKind } from '../../../src/cli/image-arg.js';
import type { CliIO } from '../../../src/cli/types.js';
import { layerTar } from '../image/fixtures.js';
import { containerdSave } from '../image/save-fixtures.js';

function recorder(cwd: string, env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, env };
}

describe('classifyImageArgument', () => {
  const fs: Record<string, PathKind> = { 'img.tar': 'file', app: 'directory', './app': 'directory', 'out/app': 'file', '/dev/null': 'other' };
  const kindOf = (p: string): PathKind => fs[p];

  test('stdin, existing files (whatever their name) and image references', () => {
    expect(classifyImageArgument('-', kindOf)).toEqual({ kind: 'stdin' });
    expect(classifyImageArgument('img.tar', kindOf)).toEqual({ kind: 'file', path: 'img.tar' });
    expect(classifyImageArgument('out/app', kindOf)).toEqual({ kind: 'file', path: 'out/app' });
    // A directory named like an image (a `node` folder in the project) does not hide the image.
    expect(classifyImageArgument('app', kindOf)).toEqual({ kind: 'ref', ref: 'app' });
    for (const ref of ['app:1', 'localhost:5000/team/app:pr-7', `sha256:${'a'.repeat(64)}`, 'a1b2c3d4e5f6', `ghcr.io/o/r@sha256:${'b'.repeat(64)}`]) {
      expect(classifyImageArgument(ref, kindOf)).toEqual({ kind: 'ref', ref });
    }
  });

  test('a path-like argument that is not a regular file is an error naming it', () => {
    const cases: [string, string][] = [
      ['/nonexistent', 'layerwise analyze: /nonexistent: no such file (expected a `docker save` tar, or an image name)'],
      ['./build/img', 'layerwise analyze: ./build/img: no such file (expected a `docker save` tar, or an image name)'],
      ['../img.tar', 'layerwise analyze: ../img.tar: no such file (expected a `docker save` tar, or an image name)'],
      ['imgs.tar.gz', 'layerwise analyze: imgs.tar.gz: no such file (expected a `docker save` tar, or an image name)'],
      ['C:\\img', 'layerwise analyze: C:\\img: no such file (expected a `docker save` tar, or an image name)'],
      ['/dev/null', 'layerwise analyze: /dev/null: not a regular file (expected a `docker save` tar file, or an image name)'],
      ['./app', 'layerwise analyze: ./app: is a directory (expected a `docker save` tar file, or an image name)'],
    ];
    for (const [arg, message] of cases) expect(() => classifyImageArgument(arg, kindOf)).toThrow(message);
  });

  test('text that is neither a file nor a reference says both', () => {
    expect(() => classifyImageArgument('My App', kindOf, 'layerwise analyze --baseline')).toThrow(
      "layerwise analyze --baseline: 'My App' is not a file here and not an image reference (repository name 'library/My App' must be lowercase)",
    );
    expect(() => classifyImageArgument('app:bad tag', kindOf)).toThrow(/'app:bad tag' is not a file here and not an image reference \(tag 'bad tag' must match/);
  });

  test('looksLikePath', () => {
    expect(['/x', './x', '../x', '~/x', '.', 'a\\b', 'x.tar', 'x.TGZ', 'x.oci'].every(looksLikePath)).toBe(true);
    expect(['x', 'a/b', 'host:5000/a.tar', 'app:1.tar'].some(looksLikePath)).toBe(false);
  });
});

describe('layerwise analyze before and at the daemon', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-image-arg-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'not-a-tar.tar'), 'hello');
    writeFileSync(join(dir, 'img.tar'), await containerdSave([{ layers: [await layerTar([{ name: 'bin/sh', bytes: 1000 }])] }]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a mistyped path exits 2 with one line, without reaching a daemon', async () => {
    // DOCKER_HOST points nowhere: had the path reached a daemon, the message would say so.
    for (const [arg, message] of [
      ['/nonexistent', 'layerwise analyze: /nonexistent: no such file (expected a `docker save` tar, or an image name)'],
      ['./sub', 'layerwise analyze: ./sub: is a directory (expected a `docker save` tar file, or an image name)'],
    ]) {
      const io = recorder(dir, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
      expect(await main(['analyze', arg], io)).toBe(2);
      expect(io.stderr).toEqual([message]);
    }
    const io = recorder(dir, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(await main(['analyze', 'img.tar', '--baseline', '/no/such.tar'], io)).toBe(2);
    expect(io.stderr).toEqual(['layerwise analyze --baseline: /no/such.tar: no such file (expected a `docker save` tar, or an image name)']);
  });

  test('a file that is not an image archive is a clear error', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', 'not-a-tar.tar'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/not-a-tar\.tar: /);
  });

  test('an unreachable daemon says so first: a socket that does not exist, a closed TCP port', async () => {
    const io = recorder(dir);
    expect(await main(['analyze', 'app:1', '--host', 'unix:///nonexistent/docker.sock'], io)).toBe(2);
    expect(io.stderr).toEqual([
      'layerwise analyze: the Docker daemon at unix:///nonexistent/docker.sock does not answer (ENOENT): start it, or point DOCKER_HOST (or --host) at a running one',
    ]);
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const tcp = recorder(dir, { DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    expect(await main(['analyze', 'app:1'], tcp)).toBe(2);
    expect(tcp.stderr).toEqual([
      `layerwise analyze: the Docker daemon at tcp://127.0.0.1:${port} does not answer (ECONNREFUSED): start it, or point DOCKER_HOST (or --host) at a running one`,
    ]);
  });
});
