// One layer blob → per-file metadata, streaming: the bytes pass through once (decompress → sha256 → tar
// headers) and are never held; only path, kind and size of each entry are kept.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { InputError, quoteUntrusted } from '../core/errors.js';
import { GzipSizeEstimator } from './gzip-estimate.js';
import { normaliseEntryPath } from './paths.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque' | 'other';

export interface LayerEntry {
  /** Normalised path; for a whiteout the path it deletes, for an opaque marker its directory. */
  path: string;
  kind: EntryKind;
  /** Content bytes for regular files (0 for every other kind). */
  bytes: number;
  /** Hardlink target (normalised). */
  target?: string;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface LayerScan {
  /** sha256 of the uncompressed tar: the DiffID this blob really has. */
  diffId: string;
  compression: Compression;
  /** Bytes as stored in the source (compressed size for compressed blobs). */
  blobBytes: number;
  /** Length of the uncompressed tar stream. */
  tarBytes: number;
  /** gzip -6 size computed from the tar, when the blob is uncompressed and an estimate was asked for. */
  gzipBytes?: number;
  entries: LayerEntry[];
  /** Entries whose type flag we do not know (GNU sparse, vendor types): counted as regular files. */
  unusualEntries: number;
}

/** A layer blob that is not a readable layer: hostile or broken image input, reported in one line. */
export class LayerFormatError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'LayerFormatError';
  }
}

/** Hostile-input guard: a layer with more entries than this is refused rather than exhausting memory. */
export const MAX_ENTRIES_PER_LAYER = 2_000_000;

/**
 * Hostile-input guard: the kept paths of one layer may add up to this many characters. A gzip bomb of
 * 4 KiB names would otherwise fill memory (2M × 4096); real layers stay far below (500k files × 100 chars).
 */
export const MAX_PATH_CHARS_PER_LAYER = 512 << 20;

/** Linux PATH_MAX: no container runtime can unpack a longer name, and it bounds recursion depth later. */
export const PATH_MAX = 4096;

const OPAQUE = '.wh..wh..opq';
const WHITEOUT = '.wh.';
const AUFS_META = '.wh..wh.'; // .wh..wh.plnk, .wh..wh.aufs: AUFS bookkeeping, not content

export function sniffCompression(head: Uint8Array): Compression | 'json' | 'unknown' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'none';
  if (head.length >= 512 && hasTarChecksum(head)) return 'none'; // pre-POSIX (v7) tar: no magic, valid checksum
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b || first === 0x5b) return 'json';
  // An empty tar (two zero blocks) has no magic; zero-length blobs are empty layers too.
  if (head.length === 0 || head.every((b) => b === 0)) return 'none';
  return 'unknown';
}

/** A tar header's checksum field (offset 148, octal) equals the byte sum with that field read as spaces. */
function hasTarChecksum(head: Uint8Array): boolean {
  const field = Buffer.from(head.subarray(148, 156)).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : head[i];
  return sum === parseInt(field, 8);
}

function decompressor(compression: Compression, label: string): Transform | undefined {
  // 256 KiB output chunks: zlib's 16 KiB default makes every later step run 16× more often.
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (compression === 'zstd') {
    const create = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    if (!create) {
      throw new LayerFormatError(
        `${label}: zstd-compressed layer, but Node ${process.versions.node} cannot decode zstd (needs Node 22.15+ or 24)`,
      );
    }
    return create();
  }
  return undefined;
}

/** Classifies one tar header into a LayerEntry (undefined for the root and AUFS metadata). */
export function entryFromHeader(header: tar.Header): LayerEntry | undefined {
  const sparseName = (header.pax as Record<string, string> | null | undefined)?.['GNU.sparse.name'];
  const path = normaliseEntryPath(sparseName ?? header.name);
  if (!path) return undefined;
  const slash = path.lastIndexOf('/');
  const base = slash < 0 ? path : path.slice(slash + 1);
  const dir = slash < 0 ? '' : path.slice(0, slash);
  if (base === OPAQUE) return { path: dir, kind: 'opaque', bytes: 0 };
  if (base.startsWith(AUFS_META) || path.startsWith(AUFS_META) || path.includes(`/${AUFS_META}`)) return undefined;
  if (base.startsWith(WHITEOUT) && base.length > WHITEOUT.length) {
    const victim = base.slice(WHITEOUT.length);
    if (victim === '.' || victim === '..') return undefined; // `.wh..` / `.wh...` name no entry: no tool writes them
    return { path: dir ? `${dir}/${victim}` : victim, kind: 'whiteout', bytes: 0 };
  }
  switch (header.type as string | null) {
    case 'file':
    case 'contiguous-file':
      return { path, kind: 'file', bytes: header.size ?? 0 };
    case 'directory':
      return { path, kind: 'dir', bytes: 0 };
    case 'symlink':
      return { path, kind: 'symlink', bytes: 0 };
    case 'link': {
      const target = normaliseEntryPath(header.linkname ?? '');
      return target ? { path, kind: 'hardlink', bytes: 0, target } : { path, kind: 'other', bytes: 0 };
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      return { path, kind: 'other', bytes: 0 };
    default:
      // POSIX: an unknown type flag is read as a regular file. GNU sparse ('S') lands here; we count the bytes
      // the tar actually stores, never the claimed logical size (a sparse header can claim terabytes).
      return { path, kind: 'file', bytes: header.size ?? 0 };
  }
}

/** Reads the first bytes of an async iterator without losing them: returns them and an iterable of the rest. */
export async function peek(
  source: AsyncIterable<Uint8Array>,
  bytes: number,
): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < bytes) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    buffered.push(next.value);
    have += next.value.byteLength;
  }
  const head = Buffer.concat(buffered).subarray(0, bytes);
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* buffered;
    if (done) return;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  return { head, all: all() };
}

export interface ScanOptions {
  /** Names the blob in errors (untrusted parts are quoted by the caller or here). */
  label: string;
  estimateGzip?: boolean;
  /** Overrides MAX_ENTRIES_PER_LAYER (tests exercise the guard without a 1 GiB tar). */
  maxEntries?: number;
  /** Overrides MAX_PATH_CHARS_PER_LAYER. */
  maxPathChars?: number;
}

/**
 * Scans one layer blob (gzip, zstd or plain tar, sniffed from its first bytes). `label` names the blob in errors.
 * Throws LayerFormatError (one line) for a blob that is not a layer, an undecodable or truncated one, or one
 * past a hostile-input guard; an error of the source itself (a registry failure) is passed on unchanged.
 * The source is neither drained nor closed on failure: its owner decides (an archive drains the member, a
 * registry download is destroyed).
 */
export async function scanLayerBlob(blob: AsyncIterable<Uint8Array>, opts: ScanOptions): Promise<LayerScan> {
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES_PER_LAYER;
  const maxPathChars = opts.maxPathChars ?? MAX_PATH_CHARS_PER_LAYER;
  let sourceError: unknown;
  const { head, all } = await peek(blob, 512);
  const kind = sniffCompression(head);
  if (kind === 'json' || kind === 'unknown') throw new LayerFormatError(`${opts.label}: not a layer (neither tar, gzip nor zstd)`);
  const compression: Compression = kind;
  const source = (async function* () {
    try {
      yield* all;
    } catch (err) {
      sourceError = err;
      throw err;
    }
  })();
  const hash = createHash('sha256');
  const estimator = compression === 'none' && opts.estimateGzip ? new GzipSizeEstimator() : undefined;
  let blobBytes = 0;
  let tarBytes = 0;
  let pathChars = 0;
  const entries: LayerEntry[] = [];
  let unusualEntries = 0;
  // allowUnknownFormat: old v7 tars have no ustar magic; the option exists in tar-stream but not in its types.
  const extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  // The sink's 'error' handler is on before the first byte goes in: a refusal below is always observed.
  const sink = tarSink(extract);
  const refuse = (why: string): void => void extract.destroy(new LayerFormatError(`${opts.label}: ${why}`));
  extract.on('entry', (header, stream, next) => {
    // Before anything else: destroying the parser destroys this entry stream with the same error, and an
    // entry stream without a listener would raise it as an unhandled 'error' event.
    stream.on('error', () => undefined);
    const entry = entryFromHeader(header);
    if (entry) {
      if (entries.length >= maxEntries) return refuse(`more than ${maxEntries} entries in one layer`);
      for (const [what, path] of [['entry path', entry.path], ['hard link target', entry.target ?? '']]) {
        if (path.length > PATH_MAX) return refuse(`${what} of ${path.length} characters, longer than PATH_MAX ${PATH_MAX} (${quoteUntrusted(path, 60)})`);
      }
      pathChars += entry.path.length + (entry.target?.length ?? 0);
      if (pathChars > maxPathChars) return refuse(`entry paths add up to more than ${maxPathChars} characters in one layer`);
      if (entry.kind === 'file' && header.type !== 'file' && header.type !== 'contiguous-file') unusualEntries++;
      entries.push(entry);
    }
    stream.on('end', () => next());
    stream.resume();
  });
  // Chunks go straight from the source (through the decompressor) into hash, estimator and tar parser: no
  // stream pipeline per layer, which keeps the per-chunk cost low on multi-GiB images.
  const consume = async (chunk: Uint8Array): Promise<void> => {
    tarBytes += chunk.byteLength;
    hash.update(chunk);
    if (estimator) await estimator.write(chunk);
    await sink.write(chunk);
  };
  const abort = new AbortController();
  try {
    const decode = decompressor(compression, opts.label);
    if (!decode) {
      for await (const chunk of source) {
        blobBytes += chunk.byteLength;
        await consume(chunk);
      }
    } else {
      const feeding = (async () => {
        for await (const chunk of source) {
          if (abort.signal.aborted) return;
          blobBytes += chunk.byteLength;
          if (!decode.write(chunk)) await once(decode, 'drain', { signal: abort.signal });
        }
        decode.end();
      })();
      feeding.catch((err: Error) => decode.destroy(err));
      try {
        for await (const out of decode as AsyncIterable<Uint8Array>) await consume(out);
      } finally {
        if (!decode.destroyed) decode.destroy();
      }
      await feeding;
    }
    await sink.end();
  } catch (err) {
    if (sourceError !== undefined && err === sourceError) throw err;
    throw describeFailure(err as Error, opts.label, compression);
  } finally {
    abort.abort();
    if (!extract.destroyed) extract.destroy();
  }
  const gzipBytes = estimator ? await estimator.end() : undefined;
  return { diffId: `sha256:${hash.digest('hex')}`, compression, blobBytes, tarBytes, gzipBytes, entries, unusualEntries };
}

/** Promise-returning writes into tar-stream's extractor, honouring backpressure and surfacing its errors. */
function tarSink(extract: tar.Extract): { write(chunk: Uint8Array): Promise<void>; end(): Promise<void> } {
  let failure: Error | undefined;
  const settled = new Promise<void>((resolve, reject) => {
    extract.on('error', (err: Error) => {
      failure = err;
      reject(err);
    });
    extract.on('close', () => (failure ? reject(failure) : resolve()));
  });
  settled.catch(() => undefined);
  const check = (): void => {
    if (failure) throw failure;
    if (extract.destroyed) throw new Error('tar parser closed early');
  };
  return {
    async write(chunk) {
      check();
      if (!extract.write(chunk)) await Promise.race([new Promise<void>((resolve) => extract.once('drain', () => resolve())), settled]);
      check();
    },
    async end() {
      check();
      (extract as unknown as { end(): void }).end(); // streamx's types want a chunk; none is needed
      await settled;
      if (failure) throw failure;
    },
  };
}

function describeFailure(err: Error, label: string, compression: Compression): Error {
  if (err instanceof LayerFormatError) return err;
  const msg = err.message;
  if (/Unexpected end of data|unexpected end of file|premature close/i.test(msg)) {
    return new LayerFormatError(`${label}: truncated layer (${compression === 'none' ? 'tar' : compression} stream ended early)`);
  }
  return new LayerFormatError(`${label}: unreadable layer: ${quoteUntrusted(msg, 200)}`);
}
