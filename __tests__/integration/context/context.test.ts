// measureContext / hashContext on real directories, and the kept set checked against what BuildKit itself sends
// (a `FROM scratch` + `COPY . /` build exported with `--output type=local`).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeWithTestbed, docker } from '../../helpers/testbed.js';
import { hashContext, measureContext, walkContext, loadContextFilter } from '../../../src/context/index.js';

/** Docker builds and pushes: jest's 5 s default is too short on a loaded runner. */
const SLOW = 180_000;

const IGNORE = ['# fixture', 'node_modules', '!node_modules/keep-me', '*.log', '**/*.tmp', 'build/', 'docs/**/*.md', '!docs/README.md', '/secret.txt'].join('\n');

function makeContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-ctx-'));
  const put = (path: string, content: string | Buffer, mode?: number) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
    if (mode) chmodSync(join(dir, path), mode);
  };
  put('Dockerfile', 'FROM scratch\nCOPY . /\n');
  put('.dockerignore', IGNORE);
  put('app.js', 'console.log(1)\n');
  put('a.log', 'root log\n');
  put('sub/b.log', 'sub log is kept\n');
  put('sub/c.tmp', 'tmp');
  put('x.tmp', 'tmp');
  put('node_modules/pkg/index.js', 'x'.repeat(5000));
  put('node_modules/keep-me/k.js', 'kept');
  put('build/out.bin', Buffer.alloc(70_000));
  put('docs/a/b.md', '# gone');
  put('docs/README.md', '# readme');
  put('docs/guide.txt', 'guide');
  put('secret.txt', 'nope');
  put('big.bin', Buffer.alloc(300_000, 7));
  put('mid.bin', Buffer.alloc(20_000, 1));
  put('run.sh', '#!/bin/sh\n', 0o755);
  mkdirSync(join(dir, 'emptydir'));
  symlinkSync('/etc/passwd', join(dir, 'outside-link'));
  return dir;
}

function listTree(root: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      const st = lstatSync(abs);
      if (st.isDirectory()) visit(abs);
      else out.push(relative(root, abs));
    }
  };
  visit(root);
  return out.sort();
}

const KEPT_FILES = ['.dockerignore', 'Dockerfile', 'app.js', 'big.bin', 'docs/README.md', 'docs/guide.txt', 'mid.bin', 'node_modules/keep-me/k.js', 'outside-link', 'run.sh', 'sub/b.log'];

describe('measureContext and hashContext', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeContext();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('measures only what .dockerignore keeps, without following links', async () => {
    const m = await measureContext(dir, { top: 3 });
    const expectedBytes = KEPT_FILES.filter((p) => p !== 'outside-link').reduce((n, p) => n + lstatSync(join(dir, p)).size, 0);
    expect(m.files).toBe(KEPT_FILES.length);
    expect(m.bytes).toBe(expectedBytes);
    expect(m.largest).toEqual([
      { path: 'big.bin', bytes: 300_000 },
      { path: 'mid.bin', bytes: 20_000 },
      { path: '.dockerignore', bytes: IGNORE.length },
    ]);
    expect(m.ignoreFile).toBe('.dockerignore');
  });

  test('the Dockerfile and .dockerignore count even when excluded; <Dockerfile>.dockerignore wins', async () => {
    writeFileSync(join(dir, '.dockerignore'), 'Dockerfile\n.dockerignore\n*.bin\n');
    const m = await measureContext(dir);
    expect(m.largest.map((f) => f.path)).not.toContain('big.bin');
    const paths: string[] = [];
    for await (const e of walkContext(dir, await loadContextFilter(dir))) paths.push(e.path);
    expect(paths).toEqual(expect.arrayContaining(['Dockerfile', '.dockerignore']));
    writeFileSync(join(dir, 'Dockerfile.dockerignore'), 'big.bin\n');
    const specific = await measureContext(dir);
    expect(specific.ignoreFile).toBe('Dockerfile.dockerignore');
    expect(specific.largest.map((f) => f.path)).toEqual(expect.arrayContaining(['mid.bin', 'a.log']));
  });

  test('-f path: relative to the working directory, its own .dockerignore beside it, kept when inside the context', async () => {
    mkdirSync(join(dir, 'docker'));
    writeFileSync(join(dir, 'docker/app.Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'docker/app.Dockerfile.dockerignore'), 'docker/\n*.bin\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const m = await measureContext('.', { dockerfile: 'docker/app.Dockerfile' });
      expect(m.ignoreFile).toBe('docker/app.Dockerfile.dockerignore');
      const paths: string[] = [];
      for await (const e of walkContext(dir, await loadContextFilter(dir, 'docker/app.Dockerfile'))) paths.push(e.path);
      expect(paths).toEqual(expect.arrayContaining(['docker/app.Dockerfile', 'docker/app.Dockerfile.dockerignore', 'a.log']));
      expect(paths).not.toContain('big.bin');
    } finally {
      process.chdir(cwd);
    }
  });

  test('hash: stable across mtimes and ignored files; changes with kept content, mode, names and links', async () => {
    const h0 = await hashContext(dir);
    expect(h0).toMatch(/^sha256:[0-9a-f]{64}$/);
    utimesSync(join(dir, 'app.js'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await hashContext(dir)).toBe(h0);
    writeFileSync(join(dir, 'a.log'), 'a different ignored log');
    writeFileSync(join(dir, 'node_modules/pkg/new.js'), 'new ignored file');
    writeFileSync(join(dir, 'build/out.bin'), 'rebuilt');
    expect(await hashContext(dir)).toBe(h0);

    writeFileSync(join(dir, 'app.js'), 'console.log(2)\n');
    const h1 = await hashContext(dir);
    expect(h1).not.toBe(h0);
    chmodSync(join(dir, 'app.js'), 0o755);
    const h2 = await hashContext(dir);
    expect(h2).not.toBe(h1);
    rmSync(join(dir, 'outside-link'));
    symlinkSync('/etc/hostname', join(dir, 'outside-link'));
    const h3 = await hashContext(dir);
    expect(h3).not.toBe(h2);
    writeFileSync(join(dir, 'node_modules/keep-me/k2.js'), 'kept by the exception');
    expect(await hashContext(dir)).not.toBe(h3);
  });
});

describeWithTestbed('the kept set matches what BuildKit sends', () => {
  test('COPY . / of the fixture exports exactly the files we keep', async () => {
    const dir = makeContext();
    const out = mkdtempSync(join(tmpdir(), 'lw-ctx-out-'));
    try {
      docker(['buildx', 'build', '--quiet', '--output', `type=local,dest=${out}`, dir]);
      const sent = listTree(out);
      const ours: string[] = [];
      for await (const e of walkContext(dir, await loadContextFilter(dir))) if (e.type !== 'dir') ours.push(e.path);
      expect(ours.sort()).toEqual(sent);
      expect(sent).toEqual([...KEPT_FILES].sort());
      expect(lstatSync(join(out, 'emptydir')).isDirectory()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }, SLOW);
});
