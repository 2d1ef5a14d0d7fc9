// The builder probe with the real docker CLI and buildx: an unreachable daemon (DOCKER_HOST at a socket
// nobody listens on, or a closed port) is one line naming it, before anything else; the bed's own engines
// are read right.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execWithActions } from '../../../src/buildx/exec.js';
import { probeBuilder } from '../../../src/buildx/probe.js';
import { main } from '../../../src/cli/main.js';
import { describeWithTestbed } from '../../helpers/testbed.js';

describeWithTestbed('builder probe', (bed) => {
  let dir: string;
  let deadSocket: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-probe-'));
    // A daemon that crashed: a process listening on the socket is killed, the socket file stays, and
    // connecting to it is refused.
    deadSocket = join(dir, 'docker.sock');
    const daemon = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(deadSocket)}, () => console.log('up'))`]);
    await new Promise<void>((r) => daemon.stdout.once('data', () => r()));
    daemon.kill('SIGKILL');
    await new Promise<void>((r) => daemon.once('exit', () => r()));
    expect(statSync(deadSocket).isSocket()).toBe(true);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY Dockerfile /\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('DOCKER_HOST at a dead socket or a closed port: the daemon is named first, in one line', async () => {
    for (const host of [`unix://${deadSocket}`, 'tcp://127.0.0.1:1']) {
      const err = await probeBuilder(execWithActions, { env: { ...process.env, DOCKER_HOST: host } }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(new RegExp(`^the Docker daemon at ${host.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not answer: `));
      expect((err as Error).message).not.toContain('\n');
    }
  });

  test('`layerwise build` against a dead daemon ends in that one line, exit 2', async () => {
    const stderr: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void stderr.push(t), cwd: dir, env: { ...process.env, DOCKER_HOST: `unix://${deadSocket}` } };
    expect(await main(['build', '--context', dir, '--scope', 'br-probe', '--cache-repo', `${bed().registry}/layerwise-hostile/probe-cache`], io)).toBe(2);
    expect(stderr).toEqual([expect.stringMatching(new RegExp(`^layerwise build: the Docker daemon at unix://${deadSocket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not answer`))]);
  });

  test('the bed: docker driver on the classic store (no registry cache export) and on the containerd store (export)', async () => {
    expect(await probeBuilder(execWithActions, { env: { ...process.env, DOCKER_HOST: undefined } })).toMatchObject({ driver: 'docker', containerdStore: false, registryCacheExport: false });
    const ctrd = bed().ctrdHost;
    if (ctrd) {
      expect(await probeBuilder(execWithActions, { env: { ...process.env, DOCKER_HOST: ctrd } })).toMatchObject({ driver: 'docker', containerdStore: true, registryCacheExport: true });
    }
  });
});
