import zlib from 'node:zlib';
import { scanLayerBlob, sniffCompression, LayerFormatError } from '../../../src/image/layer-scan.js';
import { chunked, gzip, layerTar, rawHeader, rawTar, sha256 } from './fixtures.js';

describe('scanLayerBlob', () => {
  test('plain tar: entries, kinds, regular-file bytes, DiffID and gzip estimate', async () => {
    const tarBuf = await layerTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/a.conf', bytes: 1000 },
      { name: 'etc/b', type: 'symlink', linkname: 'a.conf' },
      { name: 'etc/hard', type: 'link', linkname: 'etc/a.conf' },
      { name: 'etc/.wh.old', bytes: 0 },
      { name: 'var/.wh..wh..opq', bytes: 0 },
      { name: '.wh..wh.plnk/123', bytes: 0 },
      { name: 'fifo', type: 'fifo' },
    ]);
    const scan = await scanLayerBlob(chunked(tarBuf), { label: 'test', estimateGzip: true });
    expect(scan.compression).toBe('none');
    expect(scan.diffId).toBe(sha256(tarBuf));
    expect(scan.tarBytes).toBe(tarBuf.length);
    expect(scan.blobBytes).toBe(tarBuf.length);
    expect(scan.entries).toEqual([
      { path: 'etc', kind: 'dir', bytes: 0 },
      { path: 'etc/a.conf', kind: 'file', bytes: 1000 },
      { path: 'etc/b', kind: 'symlink', bytes: 0 },
      { path: 'etc/hard', kind: 'hardlink', bytes: 0, target: 'etc/a.conf' },
      { path: 'etc/old', kind: 'whiteout', bytes: 0 },
      { path: 'var', kind: 'opaque', bytes: 0 },
      { path: 'fifo', kind: 'other', bytes: 0 },
    ]);
    // The estimate is one gzip -6 stream's size, give or take the per-block sync markers.
    const real = zlib.gzipSync(tarBuf, { level: 6 }).length;
    expect(Math.abs(scan.gzipBytes! - real)).toBeLessThanOrEqual(8);
  });

  test('gzip blob: compressed and uncompressed lengths, DiffID of the tar inside', async () => {
    const tarBuf = await layerTar([{ name: 'x', bytes: 300_000 }]);
    const gz = gzip(tarBuf);
    const scan = await scanLayerBlob(chunked(gz), { label: 'gz', estimateGzip: true });
    expect(scan).toMatchObject({ compression: 'gzip', blobBytes: gz.length, tarBytes: tarBuf.length, diffId: sha256(tarBuf) });
    expect(scan.gzipBytes).toBeUndefined();
    expect(scan.entries).toEqual([{ path: 'x', kind: 'file', bytes: 300_000 }]);
  });

  test('gzip estimate over several 1 MiB blocks stays within a few bytes per block of gzip -6', async () => {
    const tarBuf = await layerTar([{ name: 'big', bytes: 5_300_000 }]);
    const scan = await scanLayerBlob(chunked(tarBuf, 65_536), { label: 'big', estimateGzip: true });
    const real = zlib.gzipSync(tarBuf, { level: 6 }).length;
    expect(Math.abs(scan.gzipBytes! - real) / real).toBeLessThan(0.01);
  });

  test('hostile names: absolute and traversal paths are normalised under the root', async () => {
    const tarBuf = await layerTar([
      { name: '/etc/passwd', bytes: 10 },
      { name: '../../../../root/.ssh/authorized_keys', bytes: 20 },
      { name: './a/./b//../c', bytes: 30 },
      { name: 'link', type: 'link', linkname: '../../etc/passwd' },
      { name: '..', type: 'directory' },
    ]);
    const scan = await scanLayerBlob(chunked(tarBuf), { label: 'hostile' });
    expect(scan.entries).toEqual([
      { path: 'etc/passwd', kind: 'file', bytes: 10 },
      { path: 'root/.ssh/authorized_keys', kind: 'file', bytes: 20 },
      { path: 'a/c', kind: 'file', bytes: 30 },
      { path: 'link', kind: 'hardlink', bytes: 0, target: 'etc/passwd' },
    ]);
  });

  test('PAX long names and a PAX size larger than the ustar field', async () => {
    const long = `${'deep/'.repeat(60)}file.bin`; // 308 chars: needs a PAX path record
    const tarBuf = await layerTar([{ name: long, bytes: 4096 }]);
    const scan = await scanLayerBlob(chunked(tarBuf), { label: 'pax' });
    expect(scan.entries).toEqual([{ path: long, kind: 'file', bytes: 4096 }]);
    // A PAX `size` record overrides the header's size field (here 0): the body is read with the PAX size.
    const paxBody = Buffer.from('16 size=1000000\n');
    const tar2 = rawTar([
      { header: rawHeader('PaxHeaders/x', 'x', paxBody.length), body: paxBody },
      { header: rawHeader('x', '0', 0), body: Buffer.alloc(1_000_000, 1) },
    ]);
    const scan2 = await scanLayerBlob(chunked(tar2), { label: 'paxsize' });
    expect(scan2.entries).toEqual([{ path: 'x', kind: 'file', bytes: 1_000_000 }]);
  });

  test('GNU sparse entry counts the bytes stored in the tar, never the claimed size', async () => {
    const tarBuf = rawTar([{ header: rawHeader('sparse.img', 'S', 1024), body: Buffer.alloc(1024, 7) }]);
    const scan = await scanLayerBlob(chunked(tarBuf), { label: 'sparse' });
    expect(scan.entries).toEqual([{ path: 'sparse.img', kind: 'file', bytes: 1024 }]);
    expect(scan.unusualEntries).toBe(1);
  });

  test('empty layers: a zero-length blob and an empty tar', async () => {
    const empty = await scanLayerBlob(chunked(Buffer.alloc(0)), { label: 'zero', estimateGzip: true });
    expect(empty.entries).toEqual([]);
    expect(empty.tarBytes).toBe(0);
    const endOnly = await scanLayerBlob(chunked(Buffer.alloc(1024)), { label: 'eot' });
    expect(endOnly.entries).toEqual([]);
    expect(endOnly.diffId).toBe(sha256(Buffer.alloc(1024)));
  });

  test('truncated streams fail with a clear error (tar and gzip), without hanging', async () => {
    const tarBuf = await layerTar([{ name: 'a', bytes: 100_000 }]);
    await expect(scanLayerBlob(chunked(tarBuf.subarray(0, 50_000)), { label: 'blobs/sha256/abc' })).rejects.toThrow(
      'blobs/sha256/abc: truncated layer (tar stream ended early)',
    );
    const gz = gzip(tarBuf);
    await expect(scanLayerBlob(chunked(gz.subarray(0, gz.length - 100)), { label: 'l' })).rejects.toThrow(
      'l: truncated layer (gzip stream ended early)',
    );
  });

  test('zstd: decoded where the runtime can, a clear error where it cannot', async () => {
    const tarBuf = await layerTar([{ name: 'z', bytes: 5000 }]);
    const z = zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
    if (z.zstdCompressSync) {
      const scan = await scanLayerBlob(chunked(z.zstdCompressSync(tarBuf)), { label: 'zstd' });
      expect(scan).toMatchObject({ compression: 'zstd', diffId: sha256(tarBuf) });
    } else {
      // Zstandard frame magic followed by junk: enough to be recognised.
      const blob = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600)]);
      await expect(scanLayerBlob(chunked(blob), { label: 'zstd' })).rejects.toThrow(
        /zstd: zstd-compressed layer, but Node 2\d\.\d+\.\d+ cannot decode zstd/,
      );
    }
  });

  test('refuses a JSON or random blob as a layer', async () => {
    await expect(scanLayerBlob(chunked(Buffer.from('{"a":1}')), { label: 'cfg' })).rejects.toThrow(LayerFormatError);
    await expect(scanLayerBlob(chunked(Buffer.alloc(600, 0x41)), { label: 'junk' })).rejects.toThrow('junk: not a layer');
  });

  test('a pre-POSIX tar without the ustar magic is still read as a layer', async () => {
    const header = rawHeader('old.txt', '0', 5);
    header.fill(0, 257, 265); // drop magic + version, then fix the checksum
    header.write('        ', 148);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    const scan = await scanLayerBlob(chunked(rawTar([{ header, body: Buffer.from('hello') }])), { label: 'v7' });
    expect(scan.entries).toEqual([{ path: 'old.txt', kind: 'file', bytes: 5 }]);
  });

  test('sniffCompression', () => {
    expect(sniffCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(sniffCompression(Buffer.from(' \n{"x":1}'))).toBe('json');
  });
});
