// analyzeImage on images built on the test bed, in both image stores, each on a bed engine that has it (the
// classic store on the default socket, the containerd store on $LAYERWISE_CTRD_HOST). Every expected number
// is measured independently: GNU tar lists each layer of a `docker save`, `docker history` gives sizes and
// instructions, the registry's manifest gives compressed sizes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { analyzeImage } from '../../../src/image/analyze.js';
import { cleanCreatedBy } from '../../../src/image/history.js';
import { daemonImage, dockerClient, imageArchiveFile, registryImage, registryLayerSizes } from '../../../src/image/sources.js';
import type { ImageAnalysis } from '../../../src/image/types.js';
import { registryManifestSizes, savedLayerFileBytes, savedLayers } from '../../helpers/image-oracles.js';
import { describeOnEngine, describeWithTestbed, docker, uniqueName, type Testbed } from '../../helpers/testbed.js';

// jest's testTimeout is a global option (ignored per project): each test states its own.
const TIMEOUT = 300_000;

const dockerfile = (base: string) => `FROM ${base}
RUN mkdir -p /app && head -c 300000 /dev/urandom > /app/data.bin && echo hi > /app/small.txt
RUN mkdir -p /var/lib/apt/lists/partial && for i in 1 2 3; do head -c 50000 /dev/zero | tr '\\0' a > /var/lib/apt/lists/list$i; done
COPY app.conf /app/app.conf
ENV MODE=test
RUN mkdir -p /tmp && head -c 200000 /dev/urandom > /tmp/scratch.bin && ln /app/data.bin /app/data-link
RUN rm /tmp/scratch.bin && echo v2 > /app/small.txt
`;

interface HistoryRow { size: number; instruction: string }
function history(ref: string, host?: string): HistoryRow[] {
  return docker(['history', '--human=false', '--no-trunc', '--format', '{{json .}}', ref], { host })
    .trim().split('\n').map((l) => JSON.parse(l) as { Size: string; CreatedBy: string })
    .map((r) => ({ size: Number(r.Size), instruction: cleanCreatedBy(r.CreatedBy) }))
    .reverse();
}

function expectFixtureFindings(a: ImageAnalysis): void {
  const byLine = new Map(a.layers.filter((l) => l.line).map((l) => [l.line!, l]));
  expect([...byLine.keys()]).toEqual([2, 3, 4, 6, 7]);
  expect(byLine.get(3)!.instruction).toMatch(/^RUN mkdir -p \/var\/lib\/apt\/lists\/partial/);
  const apt = a.hints.find((h) => h.rule === 'apt-lists')!;
  expect(apt).toMatchObject({ bytes: 150_000, line: 3, paths: ['/var/lib/apt/lists'] });
  const cleanup = a.hints.find((h) => h.rule === 'cleanup-in-later-layer')!;
  expect(cleanup).toMatchObject({ bytes: 200_000, line: 6, paths: ['/tmp/scratch.bin'] });
  expect(byLine.get(6)!.wastedBytes).toBe(200_000);
  // small.txt (3 bytes) is overwritten at line 7. `ln` at line 6 makes both stores ship data.bin's bytes
  // again as app/data-link; overlay2 (classic) also writes data.bin as a hardlink to it, shadowing line 2's
  // copy, while the containerd differ leaves data.bin out. Either way the numbers follow the layer tars.
  const line6 = byLine.get(6)!;
  expect(line6.sizeBytes).toBe(500_000);
  expect(line6.topFiles[0]).toEqual({ path: 'app/data-link', bytes: 300_000, change: 'added' });
  const relinked = line6.files.modified === 1;
  expect(byLine.get(2)!.wastedBytes).toBe(relinked ? 300_003 : 3);
  expect(a.wastedBytes).toBe(relinked ? 500_003 : 200_003);
  if (relinked) expect(a.hints.find((h) => h.rule === 'rewritten-in-later-layer')).toMatchObject({ bytes: 300_000, line: 2, paths: ['/app/data.bin'] });
  expect(byLine.get(2)!.topFiles[0]).toEqual({ path: 'app/data.bin', bytes: 300_000, change: 'added' });
}

describeWithTestbed('analyzeImage on the test bed', (bed: () => Testbed) => {
  let dir: string;
  const created: { ref: string; host?: string }[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-analyze-'));
    writeFileSync(join(dir, 'Dockerfile'), dockerfile(bed().baseImage));
    writeFileSync(join(dir, 'app.conf'), 'mode=test\n'.repeat(100));
  });
  afterAll(() => {
    for (const { ref, host } of created) {
      try { docker(['rmi', '-f', ref], { host }); } catch { /* gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const graph = () => buildStageGraph(readFileSync(join(dir, 'Dockerfile'), 'utf8'), { file: 'Dockerfile' });

  function build(host?: string): string {
    const ref = `${bed().registry}/layerwise-test/${uniqueName('analyze')}:1`;
    docker(['pull', '-q', bed().baseImage], { host }); // a fresh-runner test elsewhere may have removed it
    docker(['buildx', 'build', '-q', '--load', '-t', ref, dir], { host });
    created.push({ ref, host });
    return ref;
  }

  describeOnEngine('classic store', bed, { store: 'classic' }, (engine) => {
    test('per-layer bytes = tar listing, = docker history, instructions and lines, hints', async () => {
      const host = engine().host;
      const ref = build(host);
      const a = await analyzeImage(daemonImage(ref, dockerClient(host)), { graph: graph() });
      docker(['save', '-o', join(dir, 'classic.tar'), ref], { host });
      const sums = savedLayerFileBytes(join(dir, 'classic.tar'));
      expect(a.layers.map((l) => l.sizeBytes)).toEqual(sums);
      expect(a.sizeBytes).toBe(sums.reduce((x, y) => x + y, 0));
      // docker history sizes of layers built here are their tar content; for a base layer that was pulled,
      // overlay2 reports the unpacked directory size (symlink lengths included), so only built layers compare.
      const ours = a.layers.filter((l) => l.line !== undefined);
      expect(ours.every((l) => l.sizeBytes > 0)).toBe(true);
      const rows = history(ref, host).filter((r) => r.size > 0).slice(-ours.length);
      expect(ours.map((l) => [l.sizeBytes, l.instruction])).toEqual(rows.map((r) => [r.size, r.instruction]));
      expect(a.layers.filter((l) => l.sizeBytes > 0).length).toBeGreaterThanOrEqual(ours.length + 1);
      expect(a.layers.map((l) => l.diffId)).toEqual(JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref], { host })));
      expect(a.layers.every((l) => l.compressedSource === 'gzip')).toBe(true);
      expectFixtureFindings(a);

      // The same numbers from the saved file, and exact compressed sizes once pushed.
      const fromFile = await analyzeImage(imageArchiveFile(join(dir, 'classic.tar')), { graph: graph() });
      expect(fromFile.layers.map((l) => [l.diffId, l.sizeBytes, l.wastedBytes, l.compressedBytes])).toEqual(a.layers.map((l) => [l.diffId, l.sizeBytes, l.wastedBytes, l.compressedBytes]));
      docker(['push', '-q', ref], { host });
      const pushed = await registryManifestSizes(ref);
      // gzip -6 here vs Go's gzip in `docker push`: the estimate lands within 3% per non-trivial layer.
      a.layers.forEach((l, i) => l.compressedBytes > 10_000 && expect(Math.abs(l.compressedBytes - pushed[i]) / pushed[i]).toBeLessThan(0.03));
      const exact = await analyzeImage(daemonImage(ref, dockerClient(host)), { compressedSizes: await registryLayerSizes(ref, 'linux/amd64') });
      expect(exact.layers.map((l) => l.compressedBytes)).toEqual(pushed);
      expect(exact.layers.every((l) => l.compressedSource === 'manifest')).toBe(true);
      const remote = await analyzeImage(registryImage(ref), { graph: graph() });
      expect(remote.layers.map((l) => l.compressedBytes)).toEqual(pushed);
      expect(remote.layers.map((l) => [l.diffId, l.sizeBytes, l.wastedBytes, l.instruction, l.line])).toEqual(a.layers.map((l) => [l.diffId, l.sizeBytes, l.wastedBytes, l.instruction, l.line]));
      expect(remote.hints).toEqual(a.hints);
    }, TIMEOUT);
  });

  describeOnEngine('containerd store', bed, { store: 'containerd' }, (engine) => {
    test('OCI layout with gzip blobs; sizes, instructions, compressed = pushed manifest', async () => {
      const host = engine().host;
      const ref = build(host);
      const a = await analyzeImage(daemonImage(ref, dockerClient(host)), { graph: graph() });
      docker(['save', '-o', join(dir, 'ctrd.tar'), ref], { host });
      const listed = savedLayers(join(dir, 'ctrd.tar'));
      expect(a.layers.map((l) => l.sizeBytes)).toEqual(listed.map((l) => l.fileBytes));
      expect(a.layers.every((l) => l.compression === 'gzip' && l.compressedSource === 'manifest')).toBe(true);
      // The containerd store's history SIZE is the snapshot's disk usage: whole 4 KiB blocks per file and per
      // directory (the snapshot's own included), so it lies between the content bytes and one more block for
      // each tar entry.
      const rows = history(ref, host).filter((r) => r.size > 0);
      expect(a.layers.map((l) => l.instruction)).toEqual(rows.map((r) => r.instruction));
      rows.forEach((r, i) => {
        expect(r.size % 4096).toBe(0);
        expect(r.size).toBeGreaterThanOrEqual(listed[i].fileBytes);
        expect(r.size).toBeLessThanOrEqual(listed[i].fileBytes + 4096 * (listed[i].entries + 1));
      });
      expect(a.layers.map((l) => l.diffId)).toEqual(JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref], { host })));
      expectFixtureFindings(a);
      // The CLI reaches the same engine through --host and prints the same numbers.
      const out: string[] = [];
      const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), cwd: dir, env: {} };
      expect(await main(['analyze', ref, '--host', engine().address, '--file', 'Dockerfile', '--json', '-'], io)).toBe(0);
      const json = JSON.parse(out.join('\n')) as { image: ImageAnalysis };
      expect(json.image.layers.map((l) => [l.sizeBytes, l.line])).toEqual(a.layers.map((l) => [l.sizeBytes, l.line]));
      docker(['push', '-q', ref], { host });
      expect(a.layers.map((l) => l.compressedBytes)).toEqual(await registryManifestSizes(ref));
    }, TIMEOUT);
  });

  test('registry source with basic auth from a Docker config; without credentials a clear error', async () => {
    const { authRegistry, baseImage } = bed();
    const ref = `${authRegistry}/layerwise-test/${uniqueName('analyze-auth')}:1`;
    const config = mkdtempSync(join(tmpdir(), 'lw-dockercfg-'));
    try {
      docker(['--config', config, 'login', '-u', 'layerwise', '--password-stdin', authRegistry], { input: 'testbed' });
      docker(['pull', '-q', baseImage]); // a fresh-runner test elsewhere may have removed every local image
      docker(['tag', baseImage, ref]);
      created.push({ ref });
      docker(['--config', config, 'push', '-q', ref]);
      const a = await analyzeImage(registryImage(ref, { env: { DOCKER_CONFIG: config } }));
      const local = await analyzeImage(daemonImage(ref));
      expect(a.layers.map((l) => [l.diffId, l.sizeBytes, l.instruction])).toEqual(local.layers.map((l) => [l.diffId, l.sizeBytes, l.instruction]));
      expect(a.layers.every((l) => l.compressedSource === 'manifest' && l.compression === 'gzip')).toBe(true);
      const empty = mkdtempSync(join(tmpdir(), 'lw-dockercfg-empty-'));
      await expect(analyzeImage(registryImage(ref, { env: { DOCKER_CONFIG: empty } }))).rejects.toThrow(/401|unauthori[sz]ed|credentials/i);
      rmSync(empty, { recursive: true, force: true });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  }, TIMEOUT);

  test('a missing image is a one-line input error naming it; a mistyped path never reaches the daemon', async () => {
    await expect(analyzeImage(daemonImage('localhost:5000/layerwise-test/does-not-exist:0'))).rejects.toThrow(
      /^image 'localhost:5000\/layerwise-test\/does-not-exist:0' is not in the Docker daemon at \S+ \(pull or build it first\)$/,
    );
    // `/images//nonexistent/json` is redirected by dockerd, and dockerode's redirect crashed the process.
    const stderr: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void stderr.push(t), cwd: tmpdir(), env: process.env };
    expect(await main(['analyze', '/nonexistent'], io)).toBe(2);
    expect(await main(['analyze', 'Not An Image'], io)).toBe(2);
    expect(await main(['analyze', 'localhost:5000/layerwise-test/does-not-exist:0'], io)).toBe(2);
    expect(stderr).toEqual([
      'layerwise analyze: /nonexistent: no such file (expected a `docker save` tar, or an image name)',
      expect.stringMatching(/^layerwise analyze: 'Not An Image' is not a file here and not an image reference/),
      expect.stringMatching(/^image 'localhost:5000\/layerwise-test\/does-not-exist:0' is not in the Docker daemon at/),
    ]);
    // And the daemon image source refuses such text itself, before any request.
    await expect(analyzeImage(daemonImage('/nonexistent'))).rejects.toThrow("image reference '/nonexistent'");
  }, TIMEOUT);
});
