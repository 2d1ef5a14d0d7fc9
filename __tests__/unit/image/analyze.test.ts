import zlib from 'node:zlib';
import { analyzeImage } from '../../../src/image/analyze.js';
import { imageArchiveStream } from '../../../src/image/sources.js';
import { UNKNOWN_INSTRUCTION } from '../../../src/image/history.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { chunked, gzip, layerTar, sha256 } from './fixtures.js';
import { containerdSave, docker25Save, legacySave, type FixtureImage } from './save-fixtures.js';

const analyse = (buf: Buffer, opts: Parameters<typeof analyzeImage>[1] = {}, ref?: string) =>
  analyzeImage(imageArchiveStream(chunked(buf, 16_384), 'fixture.tar', ref), { platform: 'linux/amd64', ...opts });

async function appImage(): Promise<FixtureImage> {
  return {
    layers: [
      await layerTar([{ name: 'bin/', type: 'directory' }, { name: 'bin/sh', bytes: 100_000 }, { name: 'etc/os-release', bytes: 200 }]),
      await layerTar([
        { name: 'var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', bytes: 150_000 },
        { name: 'var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages', bytes: 90_000 },
        { name: 'tmp/build.log', bytes: 70_000 },
        { name: 'usr/bin/app', bytes: 50_000 },
      ]),
      await layerTar([{ name: 'tmp/.wh.build.log', bytes: 0 }, { name: 'usr/bin/app', bytes: 60_000 }]),
    ],
    history: [
      { created_by: 'COPY rootfs / # buildkit' },
      { created_by: 'ENV A=1', empty_layer: true },
      { created_by: 'RUN /bin/sh -c apt-get update && make > /tmp/build.log # buildkit' },
      { created_by: 'RUN /bin/sh -c rm /tmp/build.log && make install # buildkit' },
      { created_by: 'CMD ["app"]', empty_layer: true },
    ],
  };
}

function expectAppNumbers(a: Awaited<ReturnType<typeof analyse>>, img: FixtureImage): void {
  expect(a.layerCount).toBe(3);
  expect(a.layers.map((l) => l.diffId)).toEqual(img.layers.map(sha256));
  expect(a.layers.map((l) => l.sizeBytes)).toEqual([100_200, 360_000, 60_000]);
  expect(a.sizeBytes).toBe(520_200);
  // Layer 2 ships build.log (deleted by layer 3) and app (overwritten by layer 3).
  expect(a.layers.map((l) => l.wastedBytes)).toEqual([0, 120_000, 0]);
  expect(a.wastedBytes).toBe(120_000);
  expect(a.efficiency).toBeCloseTo(1 - 120_000 / 520_200, 10);
  expect(a.layers.map((l) => l.instruction)).toEqual(['COPY rootfs /', 'RUN apt-get update && make > /tmp/build.log', 'RUN rm /tmp/build.log && make install']);
  expect(a.layers.map((l) => l.files)).toEqual([
    { added: 2, modified: 0, deleted: 0 },
    { added: 4, modified: 0, deleted: 0 },
    { added: 0, modified: 1, deleted: 1 },
  ]);
  expect(a.layers[2].topFiles).toEqual([{ path: 'usr/bin/app', bytes: 60_000, change: 'modified', previousBytes: 50_000 }]);
}

describe('analyzeImage over saved archives', () => {
  test('Docker 25+ classic layout (blobs before manifest.json): exact sizes, waste, gzip-computed compressed sizes', async () => {
    const img = await appImage();
    const a = await analyse(await docker25Save(img));
    expectAppNumbers(a, img);
    expect(a.layers.every((l) => l.compressedSource === 'gzip' && l.compression === 'none')).toBe(true);
    for (const [i, l] of a.layers.entries()) {
      expect(Math.abs(l.compressedBytes - zlib.gzipSync(img.layers[i], { level: 6 }).length)).toBeLessThanOrEqual(8);
    }
    expect(a.compressedBytes).toBe(a.layers.reduce((n, l) => n + l.compressedBytes, 0));
    expect(a.platform).toBe('linux/amd64');
    expect(a.id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('legacy <id>/layer.tar layout gives the same numbers', async () => {
    const img = await appImage();
    expectAppNumbers(await analyse(await legacySave(img)), img);
  });

  test('containerd layout: nested index, attestation skipped, gzip blobs, compressed = stored blob size', async () => {
    const img = await appImage();
    const a = await analyse(await containerdSave([img]));
    expectAppNumbers(a, img);
    expect(a.layers.map((l) => l.compressedBytes)).toEqual(img.layers.map((l) => gzip(l).length));
    expect(a.layers.map((l) => l.digest)).toEqual(img.layers.map((l) => sha256(gzip(l))));
    expect(a.compressedSource).toBe('manifest');
  });

  test('multi-platform index: picks the asked platform; an absent one is a clear error', async () => {
    const amd = await appImage();
    const arm: FixtureImage = { layers: [await layerTar([{ name: 'arm', bytes: 42 }])], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
    const buf = await containerdSave([amd, arm], { omitManifestJson: true });
    expect((await analyse(buf, { platform: 'linux/arm64' })).sizeBytes).toBe(42);
    expect((await analyse(buf, { platform: 'linux/amd64' })).sizeBytes).toBe(520_200);
    await expect(analyse(buf, { platform: 'linux/s390x' })).rejects.toThrow('platform linux/s390x is not in the archive (it has: linux/amd64, linux/arm64)');
  });

  test('a single-platform archive that is not the asked platform is analysed with a warning', async () => {
    const a = await analyse(await docker25Save(await appImage()), { platform: 'linux/arm64' });
    expect(a.platform).toBe('linux/amd64');
    expect(a.warnings).toContain("asked for platform linux/arm64 but the archive's image is linux/amd64; analysing linux/amd64");
  });

  test('Docker 25.0.0 OCI manifest without layers: the config DiffIDs still give the order', async () => {
    const img = await appImage();
    const a = await analyse(await docker25Save(img, { brokenOciManifest: true, reverseBlobs: true }));
    expectAppNumbers(a, img);
    expect(a.warnings).toContain('the OCI manifest lists 0 layers but the config has 3 DiffIDs (Docker 25.0.x bug); using the config');
  });

  test('the same layer blob twice in one image is read once and stacked twice', async () => {
    const l = await layerTar([{ name: 'x', bytes: 1000 }]);
    const a = await analyse(await docker25Save({ layers: [l, l] }));
    expect(a.layers.map((x) => x.sizeBytes)).toEqual([1000, 1000]);
    expect(a.layers.map((x) => x.wastedBytes)).toEqual([1000, 0]);
  });

  test('history that does not line up degrades to unknown instructions with a warning', async () => {
    const img = { ...(await appImage()), history: [{ created_by: 'RUN a' }] };
    const a = await analyse(await docker25Save(img));
    expect(a.layers.map((l) => l.instruction)).toEqual([UNKNOWN_INSTRUCTION, UNKNOWN_INSTRUCTION, UNKNOWN_INSTRUCTION]);
    expect(a.warnings).toContain('history lists 1 layer-creating step(s) but the image has 3 layer(s): instructions are unknown');
  });

  test('a layer below the Dockerfile\'s own with no instruction is named as the base image; misaligned history never is', async () => {
    const { buildStageGraph } = await import('../../../src/dockerfile/graph.js');
    const graph = buildStageGraph('FROM localhost:5000/debian:12 AS app\nRUN apt-get update && make > /tmp/build.log\nRUN rm /tmp/build.log && make install\n', { file: 'Dockerfile' });
    const img = await appImage();
    img.history = [{ created_by: '', comment: 'Imported from -' }, ...(img.history ?? []).slice(1)] as typeof img.history;
    const a = await analyse(await docker25Save(img), { graph });
    expect(a.layers.map((l) => [l.instruction, l.line])).toEqual([
      ['base image localhost:5000/debian:12', undefined],
      ['RUN apt-get update && make > /tmp/build.log', 2],
      ['RUN rm /tmp/build.log && make install', 3],
    ]);
    const misaligned = await analyse(await docker25Save({ ...img, history: [{ created_by: 'RUN a' }] }), { graph });
    expect(misaligned.layers.map((l) => l.instruction)).toEqual([UNKNOWN_INSTRUCTION, UNKNOWN_INSTRUCTION, UNKNOWN_INSTRUCTION]);
  });

  test('junk: apt lists at the Dockerfile line; cleanup in a later layer advises merging the RUNs', async () => {
    const graph: StageGraph = {
      file: 'Dockerfile', target: 'app', needed: ['app'], skipped: [], warnings: [], platform: 'linux/amd64',
      stages: [{
        name: 'app', named: true, index: 0, line: 1, base: { kind: 'image', ref: 'base:1' }, dependsOn: [], uses: [],
        instructions: [
          { keyword: 'FROM', line: 1, text: 'FROM base:1' },
          { keyword: 'RUN', line: 4, text: 'RUN apt-get update && make > /tmp/build.log' },
          { keyword: 'RUN', line: 7, text: 'RUN rm /tmp/build.log && make install' },
        ],
      }],
    };
    const a = await analyse(await docker25Save(await appImage()), { graph });
    expect(a.layers.map((l) => l.line)).toEqual([undefined, 4, 7]);
    expect(a.hints.map((h) => [h.rule, h.bytes, h.layerIndex, h.line])).toEqual([
      ['apt-lists', 240_000, 1, 4],
      ['cleanup-in-later-layer', 70_000, 1, 4],
    ]);
    expect(a.hints[0]).toMatchObject({ paths: ['/var/lib/apt/lists'], fix: 'end the same RUN with `&& rm -rf /var/lib/apt/lists/*`' });
    expect(a.hints[1]).toMatchObject({
      title: 'line 7 deletes 1 file(s) that line 4 added; the bytes still ship in the earlier layer',
      paths: ['/tmp/build.log'],
      fix: 'do the cleanup from line 7 in the same RUN as line 4 (merge the two RUNs)',
    });
  });

  test('hostile archives: truncated stream, missing layer, not an archive, empty input', async () => {
    const buf = await docker25Save(await appImage());
    await expect(analyse(buf.subarray(0, 200_000))).rejects.toThrow(/fixture\.tar: (truncated image archive|.*truncated layer)/);
    const noLayers = await docker25Save(await appImage());
    // Drop the first layer blob from the archive: the first member (header + body) is the first layer tar.
    const img = await appImage();
    const cut = 512 + Math.ceil(img.layers[0].length / 512) * 512;
    await expect(analyse(noLayers.subarray(cut))).rejects.toThrow(`fixture.tar: layer 1 (${sha256(img.layers[0])}) is not in the archive (expected blobs/sha256/`);
    await expect(analyse(await layerTar([{ name: 'README', bytes: 10 }]))).rejects.toThrow('fixture.tar: not an image archive');
    await expect(analyse(Buffer.alloc(0))).rejects.toThrow('fixture.tar: empty archive');
  });
});
