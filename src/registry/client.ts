// Registry HTTP API v2 client (distribution spec / OCI distribution spec) on Node's fetch. Every byte that
// comes back is checked against the digest it was asked for: registry content is treated as hostile.
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { DigestMismatchError, RegistryDeleteUnsupportedError, RegistryError } from './errors.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { manifestReference, parseImageRef, type ImageRef } from './ref.js';
import { bodyPrefix, RegistryTransport, type RequestSpec, type TransportOptions } from './transport.js';

export type RegistryClientOptions = TransportOptions;

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  /** Parsed JSON (untrusted: validate before use). */
  body: unknown;
  /** Exact bytes; re-push these, never a re-serialisation, so the digest stays the same. */
  raw: Buffer;
}

/** Distribution's own limit for manifests is 4 MiB; anything larger is refused before it fills memory. */
const MAX_MANIFEST_BYTES = 4 << 20;
const DEFAULT_MAX_JSON_BLOB = 32 << 20;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

function toRef(ref: string | ImageRef): ImageRef {
  return typeof ref === 'string' ? parseImageRef(ref) : ref;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function readLimited(res: Response, limit: number, what: string, fail: (reason: string) => RegistryError): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > limit) {
    await res.body?.cancel();
    throw fail(`${what} is ${declared} bytes, over the ${limit}-byte limit`);
  }
  const { bytes, complete } = await bodyPrefix(res, limit);
  if (!complete) throw fail(`${what} is over the ${limit}-byte limit`);
  return bytes;
}

export class RegistryClient {
  readonly transport: RegistryTransport;
  constructor(options: RegistryClientOptions = {}) {
    this.transport = new RegistryTransport(options);
  }

  /** Digest, media type and size of a manifest, or null when the tag/digest does not exist. */
  async headManifest(ref: string | ImageRef): Promise<ManifestHead | null> {
    const r = toRef(ref);
    const spec = this.spec('HEAD', r, `manifests/${manifestReference(r)}`, 'pull', { accept: MANIFEST_ACCEPT.join(', ') });
    const res = await this.transport.request(spec);
    if (res.status === 404) return null;
    if (!res.ok) throw this.transport.error(spec, res.status, undefined, res.statusText || 'HEAD failed');
    const digest = res.headers.get('docker-content-digest');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const size = Number(res.headers.get('content-length'));
    if (digest && DIGEST_RE.test(digest) && mediaType && Number.isFinite(size)) {
      if (r.digest && digest !== r.digest) throw new DigestMismatchError(r.registry, `manifest ${r.repository}`, r.digest, digest);
      return { digest, mediaType, size };
    }
    // Some registries omit the digest on HEAD: fetch and hash.
    const full = await this.getManifest(r);
    return { digest: full.digest, mediaType: full.mediaType, size: full.raw.length };
  }

  /** The manifest (or index) bytes and parsed body. Throws RegistryError (status 404) when it does not exist. */
  async getManifest(ref: string | ImageRef, accept: string[] = MANIFEST_ACCEPT): Promise<FetchedManifest> {
    const r = toRef(ref);
    const spec = this.spec('GET', r, `manifests/${manifestReference(r)}`, 'pull', { accept: accept.join(', ') });
    const res = await this.transport.request(spec);
    if (!res.ok) throw await this.transport.failure(spec, res);
    const raw = await readLimited(res, MAX_MANIFEST_BYTES, 'manifest', (why) => this.transport.error(spec, res.status, 'MANIFEST_INVALID', why));
    const digest = sha256(raw);
    if (r.digest && r.digest !== digest) throw new DigestMismatchError(r.registry, `manifest ${r.repository}`, r.digest, digest);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw this.transport.error(spec, res.status, 'MANIFEST_INVALID', 'manifest is not JSON');
    }
    const declared = (body as { mediaType?: unknown })?.mediaType;
    const mediaType = typeof declared === 'string' ? declared : (res.headers.get('content-type') ?? '').split(';')[0].trim();
    return { digest, mediaType, body, raw };
  }

  /**
   * A blob's bytes as a stream (redirects followed, Authorization never sent to another origin). The stream
   * errors with DigestMismatchError at its end if the bytes do not hash to `digest`.
   */
  async getBlob(repo: string | ImageRef, digest: string): Promise<Readable> {
    const r = toRef(repo);
    this.checkDigest(r, digest);
    const spec = { ...this.spec('GET', r, `blobs/${digest}`, 'pull'), streaming: true };
    const res = await this.transport.request(spec);
    if (!res.ok) throw await this.transport.failure(spec, res);
    if (!res.body) throw this.transport.error(spec, res.status, 'BLOB_UNKNOWN', 'empty response');
    const hash = createHash('sha256');
    const verify = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        const actual = `sha256:${hash.digest('hex')}`;
        done(actual === digest ? null : new DigestMismatchError(r.registry, `blob in ${r.repository}`, digest, actual));
      },
    });
    const source = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    // pipeline, not pipe: a consumer that destroys the stream early (a refused layer) cancels the download.
    pipeline(source, verify, () => undefined);
    return verify;
  }

  /** A small JSON blob (image config), size-limited and digest-checked. */
  async getJsonBlob<T = unknown>(repo: string | ImageRef, digest: string, maxBytes = DEFAULT_MAX_JSON_BLOB): Promise<T> {
    const r = toRef(repo);
    this.checkDigest(r, digest);
    const spec = this.spec('GET', r, `blobs/${digest}`, 'pull');
    const res = await this.transport.request(spec);
    if (!res.ok) throw await this.transport.failure(spec, res);
    const raw = await readLimited(res, maxBytes, 'blob', (why) => this.transport.error(spec, res.status, 'BLOB_INVALID', why));
    const actual = sha256(raw);
    if (actual !== digest) throw new DigestMismatchError(r.registry, `blob in ${r.repository}`, digest, actual);
    try {
      return JSON.parse(raw.toString('utf8')) as T;
    } catch {
      throw this.transport.error(spec, res.status, 'BLOB_INVALID', `blob ${digest} is not JSON`);
    }
  }

  /** Size of a blob, or null when the repository does not have it. */
  async headBlob(repo: string | ImageRef, digest: string): Promise<number | null> {
    const r = toRef(repo);
    this.checkDigest(r, digest);
    const spec = this.spec('HEAD', r, `blobs/${digest}`, 'pull');
    const res = await this.transport.request(spec);
    if (res.status === 404) return null;
    if (!res.ok) throw this.transport.error(spec, res.status, undefined, res.statusText || 'HEAD failed');
    return Number(res.headers.get('content-length'));
  }

  /** Every tag of a repository, following `Link: <…>; rel="next"` pages. An unknown repository has no tags. */
  async listTags(repo: string | ImageRef, pageSize = 1000): Promise<string[]> {
    const r = toRef(repo);
    const tags: string[] = [];
    const seen = new Set<string>();
    let path: string | undefined = `/v2/${r.repository}/tags/list?n=${pageSize}`;
    while (path && !seen.has(path)) {
      seen.add(path);
      const spec: RequestSpec = { method: 'GET', registry: r.registry, repository: r.repository, actions: 'pull', path, headers: { accept: 'application/json' } };
      const res = await this.transport.request(spec);
      if (res.status === 404) {
        await res.body?.cancel();
        return tags;
      }
      if (!res.ok) throw await this.transport.failure(spec, res);
      const raw = await readLimited(res, 16 << 20, 'tag list', (why) => this.transport.error(spec, res.status, undefined, why));
      let body: { tags?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as { tags?: unknown };
      } catch {
        throw this.transport.error(spec, res.status, undefined, 'tag list is not JSON');
      }
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      path = nextLink(res.headers.get('link'));
    }
    return tags;
  }

  /**
   * Deletes a manifest by digest (which removes every tag pointing at it). Returns false when it was already
   * gone; throws RegistryDeleteUnsupportedError when the registry does not allow deletion.
   */
  async deleteManifest(repo: string | ImageRef, digest: string): Promise<boolean> {
    const r = toRef(repo);
    this.checkDigest(r, digest);
    const spec = this.spec('DELETE', r, `manifests/${digest}`, 'delete');
    const res = await this.transport.request(spec);
    if (res.status === 202 || res.status === 200 || res.status === 204) {
      await res.body?.cancel();
      return true;
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return false;
    }
    const err = await this.transport.failure(spec, res);
    if (res.status === 405 || err.code === 'UNSUPPORTED') throw new RegistryDeleteUnsupportedError(r.registry, r.repository, res.status, err.code);
    throw err;
  }

  /** Stores manifest bytes under the ref's tag (or digest); returns the digest. Blobs must already be there. */
  async putManifest(ref: string | ImageRef, raw: Buffer, mediaType: string): Promise<string> {
    const r = toRef(ref);
    const spec = this.spec('PUT', r, `manifests/${manifestReference(r)}`, 'pull,push', { 'content-type': mediaType });
    const res = await this.transport.request({ ...spec, body: raw });
    if (!res.ok) throw await this.transport.failure(spec, res);
    await res.body?.cancel();
    const digest = sha256(raw);
    const said = res.headers.get('docker-content-digest');
    if (said && said !== digest) throw new DigestMismatchError(r.registry, `stored manifest ${r.repository}`, digest, said);
    return digest;
  }

  /** Cross-repository blob mount (same registry). True when mounted; false when the registry wants an upload. */
  async mountBlob(from: string | ImageRef, to: string | ImageRef, digest: string): Promise<boolean> {
    const src = toRef(from);
    const dst = toRef(to);
    this.checkDigest(dst, digest);
    const path = `/v2/${dst.repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(src.repository)}`;
    const spec: RequestSpec = { method: 'POST', registry: dst.registry, repository: dst.repository, actions: 'pull,push', path, body: Buffer.alloc(0) };
    const res = await this.transport.request(spec);
    await res.body?.cancel();
    if (res.status === 201) return true;
    if (res.status === 202) return false; // an upload session was opened instead; it expires unused
    throw this.transport.error(spec, res.status, undefined, res.statusText || 'mount failed');
  }

  /** Monolithic blob upload (POST then PUT ?digest=). The body may be a stream; the registry checks the digest. */
  async uploadBlob(repo: string | ImageRef, digest: string, body: Buffer | Readable, size?: number): Promise<void> {
    const r = toRef(repo);
    this.checkDigest(r, digest);
    const start: RequestSpec = { ...this.spec('POST', r, 'blobs/uploads/', 'pull,push'), body: Buffer.alloc(0) };
    const res = await this.transport.request(start);
    if (res.status !== 202) throw await this.transport.failure(start, res);
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw this.transport.error(start, res.status, undefined, 'upload started without a Location');
    const url = new URL(location, this.transport.baseUrl(r.registry));
    url.searchParams.set('digest', digest);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (size !== undefined) headers['content-length'] = String(size);
    const put: RequestSpec = { method: 'PUT', registry: r.registry, repository: r.repository, actions: 'pull,push', path: url.toString(), headers, body, streaming: true };
    const done = await this.transport.request(put);
    if (done.status !== 201) throw await this.transport.failure(put, done);
    await done.body?.cancel();
  }

  private spec(method: RequestSpec['method'], r: ImageRef, tail: string, actions: string, headers?: Record<string, string>): RequestSpec {
    return { method, registry: r.registry, repository: r.repository, actions, path: `/v2/${r.repository}/${tail}`, headers };
  }

  private checkDigest(r: ImageRef, digest: string): void {
    if (!DIGEST_RE.test(digest)) {
      throw new RegistryError(`registry ${r.registry}: '${digest}' is not a sha256 digest`, { status: 0, registry: r.registry, code: 'DIGEST_INVALID' });
    }
  }
}

/** The `rel="next"` target of a Link header, or undefined. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel="?next"?/i.test(m[2])) return m[1];
  }
  return undefined;
}
