// fast-check arbitraries for hostile layer blobs: tar streams packed with tar-stream from hostile entries
// (traversal, very long and PAX names, control characters, whiteouts and opaque markers anywhere, hard links
// to missing targets), raw headers tar-stream will not write (huge declared sizes, bad PAX records, GNU long
// names, unknown type flags), then truncated, bit-flipped or wrapped in gzip (valid or garbage).
import zlib from 'node:zlib';
import fc from 'fast-check';
import tar from 'tar-stream';
import { packOutput, rawHeader } from './fixtures.js';

export interface EntrySpec {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device';
  size: number;
  linkname: string;
}

const NAMED = [
  'etc/passwd', '/abs/path', '../../../../etc/shadow', './a/./b//c', '..', '.', 'a/../../b', 'x/../..',
  '.wh..wh..opq', 'dir/.wh..wh..opq', '.wh.gone', 'dir/.wh.gone', 'dir/.wh.', '.wh..wh.plnk/1', '.wh..wh.aufs',
  '\u202eevil.txt', 'a\nb', '\x1b]8;;https://x.example\x07t', 'tab\there', 'ümlaut/ß', 'dir', 'dir/', 'dir/file',
];

/** Names that parsers and path code trip over. Some exceed PATH_MAX (4096). */
export const hostileName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMED) },
  { weight: 4, arbitrary: fc.array(fc.constantFrom('a', 'dir', '/', '.', '..', '.wh.', '.wh..wh..opq', '\n', '\x1b', ' ', 'é', '\u0000', '\\'), { maxLength: 12 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 95, max: 6000 }).map((n) => `${'d/'.repeat(Math.ceil(n / 2))}`.slice(0, n) + 'f') },
);

export const entrySpec: fc.Arbitrary<EntrySpec> = fc.record({
  name: hostileName,
  type: fc.constantFrom('file', 'file', 'file', 'directory', 'symlink', 'link', 'fifo', 'character-device'),
  size: fc.oneof(fc.nat({ max: 600 }), fc.nat({ max: 20_000 })),
  linkname: hostileName,
});

/** Packs entries with tar-stream; an entry it refuses to encode is left out (and reported in `packed`). */
export async function packEntries(entries: EntrySpec[]): Promise<{ tar: Buffer; packed: EntrySpec[] }> {
  const pack = tar.pack();
  const done = packOutput(pack);
  const packed: EntrySpec[] = [];
  for (const e of entries) {
    if (!e.name) continue; // tar-stream cannot write an empty name
    const header = { name: e.name, type: e.type, mode: e.type === 'directory' ? 0o755 : 0o644, mtime: new Date(0) };
    try {
      if (e.type === 'file') pack.entry(header, Buffer.alloc(e.size, 0x61));
      else if (e.type === 'symlink' || e.type === 'link') {
        if (!e.linkname) continue;
        pack.entry({ ...header, linkname: e.linkname });
      } else pack.entry(header);
      packed.push(e);
    } catch {
      /* a name tar-stream will not encode */
    }
  }
  pack.finalize();
  return { tar: await done, packed };
}

/** A raw member tar-stream would never write. */
export const rawMember: fc.Arbitrary<Buffer> = fc.oneof(
  // Declared sizes far beyond the data (octal max, and GNU base-256 for terabytes).
  fc.constant(Buffer.concat([rawHeader('huge.bin', '0', 0o77777777777), Buffer.alloc(512, 1)])),
  fc.constant((() => {
    const h = rawHeader('tera.bin', '0', 0);
    h.fill(0, 124, 136);
    h[124] = 0x80; // GNU base-256 size: 2^40 bytes
    h.writeUIntBE(2 ** 40, 130, 6);
    let sum = 0;
    h.fill(0x20, 148, 156);
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    return Buffer.concat([h, Buffer.alloc(1024, 2)]);
  })()),
  // PAX headers with hostile records, then the entry they apply to.
  fc.constantFrom('30 path=../../../etc/x\n', '99999999999 size=1\n', 'garbage', '20 size=-5\n', '31 size=99999999999999999999\n', '12 path=\n', `${String(4105 + 5).length + 4105 + 7} path=${'p'.repeat(4105)}\n`)
    .map((records) => {
      const body = Buffer.from(records);
      const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
      return Buffer.concat([rawHeader('PaxHeaders/x', 'x', body.length), body, pad, rawHeader('x', '0', 0)]);
    }),
  // A GNU long name ('L') longer than PATH_MAX, a GNU sparse entry, unknown and vendor type flags.
  fc.constant((() => {
    const long = Buffer.from(`${'g/'.repeat(2100)}f\0`);
    const pad = Buffer.alloc((512 - (long.length % 512)) % 512);
    return Buffer.concat([rawHeader('././@LongLink', 'L', long.length), long, pad, rawHeader('short', '0', 0)]);
  })()),
  fc.constantFrom('S', 'V', 'X', 'Z', '9', 'D', 'M', 'N').map((flag) => Buffer.concat([rawHeader(`type-${flag}`, flag, 512), Buffer.alloc(512, 3)])),
);

export type Mutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number[] }
  | { kind: 'append'; bytes: Uint8Array };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at): Mutation => ({ kind: 'truncate', at })) },
  { weight: 2, arbitrary: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }).map((at): Mutation => ({ kind: 'flip', at })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 700 }).map((bytes): Mutation => ({ kind: 'append', bytes })) },
);

export function mutate(buf: Buffer, m: Mutation): Buffer {
  if (m.kind === 'truncate') return buf.subarray(0, Math.floor(buf.length * m.at));
  if (m.kind === 'append') return Buffer.concat([buf, m.bytes]);
  if (m.kind === 'flip') {
    const out = Buffer.from(buf);
    for (const f of m.at) if (out.length) out[Math.min(out.length - 1, Math.floor(f * out.length))] ^= 0xff;
    return out;
  }
  return buf;
}

export type Encoding = 'none' | 'gzip' | 'garbage-gzip' | 'zstd-magic';

export function encode(tarBuf: Buffer, encoding: Encoding, seed: number): Buffer {
  if (encoding === 'gzip') return zlib.gzipSync(tarBuf, { level: 1 });
  if (encoding === 'garbage-gzip') return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(600 + (seed % 400), seed & 0xff)]);
  if (encoding === 'zstd-magic') return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(600, seed & 0xff)]);
  return tarBuf;
}

export interface HostileBlob {
  entries: EntrySpec[];
  raw: Buffer[];
  /** Where among the packed members the raw ones go (before the end-of-archive blocks). */
  rawFirst: boolean;
  tarMutation: Mutation;
  encoding: Encoding;
  blobMutation: Mutation;
  chunk: number;
  seed: number;
}

export const hostileBlob: fc.Arbitrary<HostileBlob> = fc.record({
  entries: fc.array(entrySpec, { minLength: 1, maxLength: 10 }),
  raw: fc.array(rawMember, { maxLength: 2 }),
  rawFirst: fc.boolean(),
  tarMutation: mutation,
  encoding: fc.constantFrom<Encoding>('none', 'none', 'none', 'gzip', 'gzip', 'gzip', 'garbage-gzip', 'zstd-magic'),
  // Mostly one mutation per blob: two at once leave little that parses.
  blobMutation: fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation>({ kind: 'none' }) }, { weight: 1, arbitrary: mutation }),
  chunk: fc.integer({ min: 7, max: 70_000 }),
  seed: fc.nat(),
});

/** The blob's bytes: packed entries with raw members spliced in, mutated, encoded, mutated again. */
export async function buildBlob(b: HostileBlob): Promise<Buffer> {
  const { tar: packed } = await packEntries(b.entries);
  const body = packed.subarray(0, Math.max(0, packed.length - 1024)); // without the end-of-archive blocks
  const members = b.rawFirst ? [...b.raw, body] : [body, ...b.raw];
  const tarBuf = mutate(Buffer.concat([...members, Buffer.alloc(1024)]), b.tarMutation);
  return mutate(encode(tarBuf, b.encoding, b.seed), b.blobMutation);
}

/** The buffer as a stream of `size`-byte chunks that counts what the reader pulled. */
export function counted(buf: Buffer, size: number): AsyncIterable<Uint8Array> & { pulled: number } {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < buf.length; i += size) {
        const c = buf.subarray(i, i + size);
        source.pulled += c.length;
        yield c;
      }
    },
  };
  return source;
}
