// Layers built to break the scanner: each must end in one LayerFormatError / ArchiveError line, never in an
// unhandled 'error' event (jest fails the test on one) or a hang.
import { analyzeImage } from '../../../src/image/analyze.js';
import { ArchiveError } from '../../../src/image/archive.js';
import { LayerFormatError, PATH_MAX, scanLayerBlob } from '../../../src/image/layer-scan.js';
import { imageArchiveStream } from '../../../src/image/sources.js';
import { InputError } from '../../../src/core/errors.js';
import { chunked, gzip, layerTar } from './fixtures.js';
import { containerdSave, docker25Save } from './save-fixtures.js';

const longPath = `${'a/'.repeat(2500)}x`; // 5001 characters

async function scanError(blob: AsyncIterable<Uint8Array>, opts: Partial<Parameters<typeof scanLayerBlob>[1]> = {}): Promise<Error> {
  const result = await scanLayerBlob(blob, { label: 'layer', ...opts }).then(
    () => undefined,
    (err: Error) => err,
  );
  if (!result) throw new Error('expected the scan to fail');
  return result;
}

describe('hostile layers end in one input error', () => {
  test.each([
    ['plain tar', (b: Buffer) => b],
    ['gzip', (b: Buffer) => gzip(b)],
  ])('a %s with a 5000-character path, followed by more entries', async (_kind, encode) => {
    const tarBuf = await layerTar([{ name: 'ok', bytes: 10 }, { name: longPath, bytes: 70_000 }, { name: 'after', bytes: 10 }]);
    const err = await scanError(chunked(encode(tarBuf), 1000));
    expect(err).toBeInstanceOf(LayerFormatError);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(new RegExp(`^layer: entry path of 5001 characters, longer than PATH_MAX ${PATH_MAX} \\(a/a/.*…\\)$`));
  });

  test.each([
    ['plain tar', (b: Buffer) => b],
    ['gzip', (b: Buffer) => gzip(b)],
  ])('the entry-count guard on a %s (lowered so the test needs no 1 GiB tar)', async (_kind, encode) => {
    const tarBuf = await layerTar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, bytes: 600 })));
    const err = await scanError(chunked(encode(tarBuf), 700), { maxEntries: 20 });
    expect(err).toBeInstanceOf(LayerFormatError);
    expect(err.message).toBe('layer: more than 20 entries in one layer');
    // At the limit it is fine.
    const ok = await scanLayerBlob(chunked(encode(tarBuf), 700), { label: 'layer', maxEntries: 50 });
    expect(ok.entries).toHaveLength(50);
  });

  test('the path-characters guard (a gzip bomb of long names) is refused', async () => {
    const tarBuf = await layerTar(Array.from({ length: 40 }, (_, i) => ({ name: `${'d'.repeat(200)}/${i}`, bytes: 0 })));
    const err = await scanError(chunked(gzip(tarBuf)), { maxPathChars: 2000 });
    expect(err.message).toBe('layer: entry paths add up to more than 2000 characters in one layer');
  });

  test('control characters in a refused name are escaped: the message stays one line and prints no escape codes', async () => {
    const evil = `\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\n${'z/'.repeat(2100)}`;
    const err = await scanError(chunked(await layerTar([{ name: evil, bytes: 1 }])));
    expect([...err.message].filter((c) => c < ' ' || c === '\x7f')).toEqual([]);
    expect(err.message).toContain('\\x1b]8;;https:/evil.example\\x07click\\x1b]8;;\\x07\\nz/z/');
  });

  test('an error of the source itself (a registry download failing) is passed on unchanged', async () => {
    class Broken extends Error {}
    const tarBuf = await layerTar([{ name: 'big', bytes: 300_000 }]);
    for (const blob of [tarBuf, gzip(tarBuf)]) {
      const failing = (async function* () {
        yield blob.subarray(0, 4096);
        throw new Broken('registry x: stalled');
      })();
      const err = await scanError(failing);
      expect(err).toBeInstanceOf(Broken);
      expect(err.message).toBe('registry x: stalled');
    }
  });

  test.each([
    ['Docker 25 classic layout', (l: Buffer) => docker25Save({ layers: [l] })],
    ['containerd layout (gzip blobs)', (l: Buffer) => containerdSave([{ layers: [l] }])],
  ])('a saved image (%s) with such a layer fails with the archive error, naming the member', async (_layout, save) => {
    const layer = await layerTar([{ name: longPath, bytes: 100 }, { name: 'b', bytes: 100 }]);
    const archive = await save(layer);
    const err = await analyzeImage(imageArchiveStream(chunked(archive, 16_384), 'img.tar'), { platform: 'linux/amd64' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^img\.tar: blobs\/sha256\/[0-9a-f]{64}: entry path of 5001 characters, longer than PATH_MAX/);
    expect((err as Error).message).not.toContain('\n');
  });

  test('an archive member name with a newline is quoted in errors', async () => {
    const { archive } = await import('./fixtures.js');
    const bad = await archive([{ name: 'evil\nname.tar', body: await layerTar([{ name: longPath, bytes: 1 }]) }]);
    const err = await analyzeImage(imageArchiveStream(chunked(bad), 'x.tar'), { platform: 'linux/amd64' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as Error).message).not.toContain('\n');
  });
});
