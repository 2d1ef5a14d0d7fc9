// What the builder can do, read from real `docker buildx inspect` / `docker info` / `docker buildx version`
// outputs captured on the test bed with buildx 0.13.1 and 0.29.1 (see the fixtures' README).
import { readFileSync } from 'node:fs';
import type { Exec, ExecResult } from '../../../src/buildx/exec.js';
import { parseBuildxVersion, parseInspect, probeBuilder } from '../../../src/buildx/probe.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/buildx/inspect/${name}`, import.meta.url), 'utf8');
const DEAD = 'Cannot connect to the Docker daemon at unix:///tmp/hostile/inspect/dead.sock. Is the docker daemon running?';

describe('parseInspect: one line per field, never the next one', () => {
  test.each([
    ['013-docker-classic.txt', { name: 'default', driver: 'docker' }],
    ['029-docker-classic.txt', { name: 'default', driver: 'docker' }],
    ['013-docker-containerd.txt', { name: 'default', driver: 'docker' }],
    ['029-docker-containerd.txt', { name: 'default', driver: 'docker' }],
    ['013-lw-container.txt', { name: 'lw-container', driver: 'docker-container' }],
    ['029-lw-container.txt', { name: 'lw-container', driver: 'docker-container' }],
    ['013-lw-remote.txt', { name: 'lw-remote', driver: 'remote' }],
    ['029-lw-remote.txt', { name: 'lw-remote', driver: 'remote' }],
    // An unreachable daemon: `Driver:` is empty and `Last Activity` (0.29) or `Error` (0.13) comes next.
    ['013-dead-socket.txt', { name: 'default', error: DEAD }],
    ['029-dead-socket.txt', { name: 'default', error: DEAD }],
    ['029-closed-tcp.txt', { name: 'default', error: 'Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?' }],
  ])('%s', (file, want) => {
    expect(parseInspect(fixture(file))).toEqual({ name: want.name, driver: 'driver' in want ? want.driver : undefined, error: 'error' in want ? want.error : undefined });
  });

  test('buildx versions', () => {
    expect(parseBuildxVersion(fixture('version-013.txt'))).toBe('0.13.1');
    expect(parseBuildxVersion(fixture('version-029.txt'))).toBe('0.29.1');
  });
});

/** Replays recorded command results: the real outputs, keyed by the command line. */
function replay(results: Record<string, ExecResult>): Exec & { calls: string[] } {
  const calls: string[] = [];
  const exec = (async (command: string, args: string[]) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    const r = results[line];
    if (!r) throw new Error(`unexpected command ${line}`);
    return r;
  }) as Exec & { calls: string[] };
  exec.calls = calls;
  return exec;
}
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
const INFO = 'docker info --format {{json .DriverStatus}}';

describe('probeBuilder', () => {
  test('an unreachable daemon is said first, in one line, whatever buildx answered beside it', async () => {
    const exec = replay({
      [INFO]: { exitCode: 1, stdout: fixture('info-dead.stdout.txt'), stderr: fixture('info-dead.stderr.txt') },
      'docker buildx version': { exitCode: 1, stdout: '', stderr: 'docker: unknown command: docker buildx' },
      'docker buildx inspect': ok(fixture('029-dead-socket.txt')),
    });
    await expect(probeBuilder(exec)).rejects.toThrow(
      `the Docker daemon at unix:///tmp/hostile/inspect/dead.sock does not answer: ${DEAD}`,
    );
    // Asked at once: three answers in the time of one.
    expect(exec.calls.sort()).toEqual(['docker buildx inspect', 'docker buildx version', INFO]);
  });

  test.each(['013', '029'])('buildx %s: an inspect that prints Error with exit 0 is an unreachable daemon, not a driver called "Last" or "Error:"', async (v) => {
    const exec = replay({
      [INFO]: ok(fixture('info-classic.json')),
      'docker buildx version': ok(fixture(`version-${v}.txt`)),
      'docker buildx inspect': ok(fixture(`${v}-dead-socket.txt`)),
    });
    await expect(probeBuilder(exec)).rejects.toThrow(`the Docker daemon at unix:///tmp/hostile/inspect/dead.sock does not answer (builder (default)): ${DEAD}`);
  });

  test.each([
    ['013', 'classic', { driver: 'docker', buildxVersion: '0.13.1', containerdStore: false, registryCacheExport: false, progress: 'rawjson' }],
    ['029', 'classic', { driver: 'docker', buildxVersion: '0.29.1', containerdStore: false, registryCacheExport: false, progress: 'rawjson' }],
    ['013', 'containerd', { driver: 'docker', buildxVersion: '0.13.1', containerdStore: true, registryCacheExport: true, progress: 'rawjson' }],
    ['029', 'containerd', { driver: 'docker', buildxVersion: '0.29.1', containerdStore: true, registryCacheExport: true, progress: 'rawjson' }],
  ])('buildx %s, docker driver on the %s store', async (v, store, want) => {
    const exec = replay({
      [INFO]: ok(fixture(`info-${store}.json`)),
      'docker buildx version': ok(fixture(`version-${v}.txt`)),
      'docker buildx inspect': ok(fixture(`${v}-docker-${store}.txt`)),
    });
    expect(await probeBuilder(exec)).toEqual(want);
  });

  test('a docker-container builder exports registry caches whatever the engine store; a missing builder is one line', async () => {
    const exec = replay({
      [INFO]: ok(fixture('info-classic.json')),
      'docker buildx version': ok(fixture('version-029.txt')),
      'docker buildx inspect lw-container': ok(fixture('029-lw-container.txt')),
      'docker buildx inspect no-such-builder': { exitCode: 1, stdout: '', stderr: fixture('029-no-such-builder.stderr.txt') },
    });
    expect(await probeBuilder(exec, { builder: 'lw-container' })).toMatchObject({ driver: 'docker-container', registryCacheExport: true, containerdStore: false });
    await expect(probeBuilder(exec, { builder: 'no-such-builder' })).rejects.toThrow('builder no-such-builder is not usable: ERROR: no builder "no-such-builder" found');
  });
});
