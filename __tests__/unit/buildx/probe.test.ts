// What the builder can do, read from real `docker buildx inspect` / `docker info` / `docker buildx version`
// outputs captured on the test bed with buildx 0.13.1 and 0.29.1 (see the fixtures' README).
import { readFileSync } from 'node:fs';
import type { Exec, ExecResult } from '../../../src/buildx/exec.js';
import { parseBuildxVersion, parseInfo, parseInspect, probeBuilder } from '../../../src/buildx/probe.js';

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

describe('parseInfo: the image store and the buildx plugin the CLI found', () => {
  test.each([
    ['info-029-classic.json', { containerdStore: false, buildxVersion: '0.29.1' }],
    ['info-029-containerd.json', { containerdStore: true, buildxVersion: '0.29.1' }],
    ['info-013-classic.json', { containerdStore: false, buildxVersion: '0.13.1' }],
    ['info-013-containerd.json', { containerdStore: true, buildxVersion: '0.13.1' }],
    // A plugin the CLI could not read is listed with Err and no version: not a usable buildx.
    ['info-broken-buildx.json', { containerdStore: false, buildxVersion: undefined }],
    // An unreachable daemon: no driver status, but the client side is still there.
    ['info-dead.stdout.txt', { containerdStore: false, buildxVersion: '0.29.1' }],
  ])('%s', (file, want) => {
    expect(parseInfo(fixture(file))).toEqual(want);
  });

  test('text that is not JSON, or JSON of another shape, knows neither', () => {
    expect(parseInfo('Client: Docker Engine')).toEqual({ containerdStore: false, buildxVersion: undefined });
    expect(parseInfo('[["driver-type","io.containerd.snapshotter.v1"]]')).toEqual({ containerdStore: false, buildxVersion: undefined });
    // The store is read from DriverStatus only, not from any string that happens to name the snapshotter.
    const labelled = { ...JSON.parse(fixture('info-029-classic.json')), Labels: ['io.containerd.snapshotter.v1'] };
    expect(parseInfo(JSON.stringify(labelled)).containerdStore).toBe(false);
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
const INFO = 'docker info --format {{json .}}';

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
    // Asked at once, and buildx started only once: the CLI's info names the plugin's version.
    expect(exec.calls.sort()).toEqual(['docker buildx inspect', INFO]);
  });

  test.each(['013', '029'])('buildx %s: an inspect that prints Error with exit 0 is an unreachable daemon, not a driver called "Last" or "Error:"', async (v) => {
    const exec = replay({
      [INFO]: ok(fixture(`info-${v}-classic.json`)),
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
      [INFO]: ok(fixture(`info-${v}-${store}.json`)),
      'docker buildx inspect': ok(fixture(`${v}-docker-${store}.txt`)),
    });
    expect(await probeBuilder(exec)).toEqual(want);
    expect(exec.calls).not.toContain('docker buildx version');
  });

  test('a docker-container builder exports registry caches whatever the engine store; a missing builder is one line', async () => {
    const exec = replay({
      [INFO]: ok(fixture('info-029-classic.json')),
      'docker buildx inspect lw-container': ok(fixture('029-lw-container.txt')),
      'docker buildx inspect no-such-builder': { exitCode: 1, stdout: '', stderr: fixture('029-no-such-builder.stderr.txt') },
    });
    expect(await probeBuilder(exec, { builder: 'lw-container' })).toMatchObject({ driver: 'docker-container', registryCacheExport: true, containerdStore: false });
    await expect(probeBuilder(exec, { builder: 'no-such-builder' })).rejects.toThrow('builder no-such-builder is not usable: ERROR: no builder "no-such-builder" found');
  });

  test('a buildx plugin the CLI cannot read: buildx itself is asked, and its refusal is the one line', async () => {
    const exec = replay({
      [INFO]: ok(fixture('info-broken-buildx.json')),
      'docker buildx inspect': { exitCode: 1, stdout: '', stderr: fixture('version-broken-plugin.stderr.txt') },
      'docker buildx version': { exitCode: 1, stdout: '', stderr: fixture('version-broken-plugin.stderr.txt') },
    });
    await expect(probeBuilder(exec)).rejects.toThrow(/^docker buildx is not available: docker: unknown command: docker buildx$/);
  });

  test('a CLI whose info lists no plugins: the version comes from `docker buildx version`', async () => {
    // Real info with its client part taken away, as a CLI that reports no plugins prints it.
    const info = JSON.parse(fixture('info-029-containerd.json')) as Record<string, unknown>;
    delete info.ClientInfo;
    const exec = replay({
      [INFO]: ok(JSON.stringify(info)),
      'docker buildx version': ok(fixture('version-013.txt')),
      'docker buildx inspect': ok(fixture('013-docker-containerd.txt')),
    });
    expect(await probeBuilder(exec)).toMatchObject({ buildxVersion: '0.13.1', containerdStore: true, registryCacheExport: true });
    expect(exec.calls).toContain('docker buildx version');
  });
});
