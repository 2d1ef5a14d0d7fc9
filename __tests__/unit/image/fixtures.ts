// Layer and `docker save` tars built in memory with tar-stream's packer, so every byte count is known.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import tar from 'tar-stream';

export type FixtureEntry =
  | { name: string; bytes: number | Buffer; type?: 'file' }
  | { name: string; type: 'directory' | 'symlink' | 'link' | 'fifo'; linkname?: string }
  | { name: string; type: 'raw'; header: Buffer; body?: Buffer };

/** A layer tar from entries; file bodies are `n` bytes of a repeating pattern unless a Buffer is given. */
export async function layerTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = packOutput(pack);
  for (const e of entries) {
    if (e.type === 'raw') continue;
    if (e.type === undefined || e.type === 'file') {
      const body = typeof e.bytes === 'number' ? pattern(e.bytes, e.name) : e.bytes;
      pack.entry({ name: e.name, type: 'file', mode: 0o644 }, body);
    } else {
      const linkname = 'linkname' in e ? e.linkname : undefined;
      pack.entry({ name: e.name, type: e.type, linkname, mode: e.type === 'directory' ? 0o755 : 0o777 });
    }
  }
  pack.finalize();
  return done;
}

/** Everything a tar-stream packer writes, once it ends. */
export function packOutput(pack: tar.Pack): Promise<Buffer> {
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  return new Promise((resolve, reject) => {
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

export function pattern(n: number, seed: string): Buffer {
  const buf = Buffer.alloc(n);
  const s = Buffer.from(`${seed}:`);
  for (let i = 0; i < n; i++) buf[i] = s[i % s.length] ^ (i >> 8 & 0xff);
  return buf;
}

export function sha256(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

export async function* chunked(buf: Buffer, size = 7_919): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export function gzip(buf: Buffer): Buffer {
  return zlib.gzipSync(buf, { level: 6 });
}

/** A raw 512-byte ustar header with an arbitrary type flag and stored size, for entries tar-stream won't pack. */
export function rawHeader(name: string, typeflag: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(typeflag, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** Assembles a tar from raw header+body blocks (padding bodies to 512) and two zero end blocks. */
export function rawTar(parts: { header: Buffer; body?: Buffer }[]): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(p.header);
    if (p.body && p.body.length) {
      out.push(p.body);
      const pad = (512 - (p.body.length % 512)) % 512;
      out.push(Buffer.alloc(pad));
    }
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

/** An outer `docker save`-style tar from named members, in the given order. */
export async function archive(members: { name: string; body: Buffer | string }[]): Promise<Buffer> {
  return layerTar(members.map((m) => ({ name: m.name, bytes: Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body) })));
}
