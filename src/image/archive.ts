// One pass over a `docker save` / OCI-layout tar stream. Members come in any order (Docker writes blobs
// before manifest.json and index.json), so every blob is classified from its first bytes as it streams:
// JSON documents are kept (size-capped), layer blobs are scanned into per-file metadata keyed by their
// computed DiffID, anything else is skipped. Which blobs form the image is decided afterwards.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { InputError, quoteUntrusted } from '../core/errors.js';
import { LayerFormatError, peek, scanLayerBlob, sniffCompression, type LayerScan } from './layer-scan.js';
import { normaliseEntryPath } from './paths.js';

/** JSON members larger than this are skipped: configs and manifests are kilobytes, this bounds hostile input. */
export const MAX_JSON_MEMBER = 16 << 20;

/** All JSON members together: `docker save` of a hundred images holds a few MB; more is refused. */
export const MAX_JSON_TOTAL = 256 << 20;

export interface SaveArchive {
  /** Parsed JSON members by normalised member name (`manifest.json`, `blobs/sha256/<hex>`, `<id>.json`). */
  docs: Map<string, unknown>;
  /** sha256 digest of each JSON member's bytes (the config's digest is the image ID). */
  docDigests: Map<string, string>;
  /** Layer scans by member name. */
  layers: Map<string, LayerScan>;
  /** Members that looked like layers but could not be read, with why. */
  layerErrors: Map<string, string>;
}

/** An image archive that cannot be read: broken or hostile input, reported in one line. */
export class ArchiveError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

const JSON_NAMES = /(^|\/)(manifest|index)\.json$|\.json$|^repositories$|^oci-layout$/;

async function drain(entry: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of entry) void _;
}

async function readCapped(entry: AsyncIterable<Uint8Array>, cap: number): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of entry) {
    total += chunk.byteLength;
    if (total <= cap) chunks.push(chunk);
  }
  return total <= cap ? Buffer.concat(chunks) : undefined;
}

/**
 * Reads the archive stream to its end. `label` names the source in errors. Never writes to disk; memory
 * holds JSON members and per-file metadata only.
 */
export async function readSaveArchive(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  opts: { label: string; estimateGzip: boolean },
): Promise<SaveArchive> {
  const archive: SaveArchive = { docs: new Map(), docDigests: new Map(), layers: new Map(), layerErrors: new Map() };
  const extract = tar.extract();
  let feedError: Error | undefined;
  // A Node stream (HTTP response, file) is piped as is: wrapping it in an async iterator costs CPU per chunk.
  const input = isNodeStream(source) ? source : Readable.from(source, { objectMode: false });
  const feeding = pipeline([input, extract as unknown as NodeJS.WritableStream]).catch((err: Error) => {
    feedError = err;
  });
  let members = 0;
  let jsonBytes = 0;
  try {
    for await (const entry of extract) {
      members++;
      const name = normaliseEntryPath(entry.header.name);
      const body = entry as unknown as AsyncIterable<Uint8Array>; // streamx readables iterate, the types don't say so
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        await drain(body);
        continue;
      }
      const { head, all } = await peek(body, 512);
      const kind = sniffCompression(head);
      if (kind === 'json' || (JSON_NAMES.test(name) && kind !== 'gzip' && kind !== 'zstd')) {
        const raw = await readCapped(all, MAX_JSON_MEMBER);
        if (!raw) continue;
        jsonBytes += raw.length;
        if (jsonBytes > MAX_JSON_TOTAL) throw new ArchiveError(`${opts.label}: more than ${MAX_JSON_TOTAL} bytes of JSON members (not an image archive)`);
        try {
          archive.docs.set(name, JSON.parse(raw.toString('utf8')));
          archive.docDigests.set(name, `sha256:${createHash('sha256').update(raw).digest('hex')}`);
        } catch {
          /* not JSON after all (e.g. `repositories` written oddly): irrelevant to the analysis */
        }
        continue;
      }
      if (kind === 'unknown' || archive.layers.has(name)) {
        await drain(all);
        continue;
      }
      try {
        archive.layers.set(name, await scanLayerBlob(all, { label: `${opts.label}: ${quoteUntrusted(name)}`, estimateGzip: opts.estimateGzip }));
      } catch (err) {
        if (!(err instanceof LayerFormatError)) throw err;
        archive.layerErrors.set(name, err.message);
        await drain(all).catch(() => undefined);
      }
    }
  } catch (err) {
    throw truncated(opts.label, feedError ?? (err as Error));
  } finally {
    if (!extract.destroyed) extract.destroy();
  }
  await feeding;
  if (feedError) throw truncated(opts.label, feedError);
  if (members === 0) throw new ArchiveError(`${opts.label}: empty archive (no tar members)`);
  return archive;
}

function isNodeStream(s: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): s is NodeJS.ReadableStream {
  return typeof (s as NodeJS.ReadableStream).pipe === 'function' && typeof (s as NodeJS.ReadableStream).on === 'function';
}

function truncated(label: string, err: Error): ArchiveError {
  if (err instanceof ArchiveError) return err;
  if (/Unexpected end of data|premature close/i.test(err.message)) {
    return new ArchiveError(`${label}: truncated image archive (the stream ended inside a member)`);
  }
  return new ArchiveError(`${label}: unreadable image archive: ${quoteUntrusted(err.message, 200)}`);
}
