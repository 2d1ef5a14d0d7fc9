// Where an image's bytes come from: the Docker daemon (`docker save` stream via dockerode, so a second
// engine such as the containerd-store one can be passed), a saved tar file, or a registry. Every source
// yields the same RawImage: config plus one scanned layer per rootfs.diff_ids entry, in order.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Docker from 'dockerode';
import { InputError, quoteUntrusted } from '../core/errors.js';
import { parseImageRef, RegistryClient, resolveImageLayers, type ImageConfig, type RegistryClientOptions } from '../registry/index.js';
import { ArchiveError, readSaveArchive, type SaveArchive } from './archive.js';
import { resolveArchiveImage } from './archive-resolve.js';
import { scanLayerBlob, type LayerScan } from './layer-scan.js';

export type CompressedSource = 'manifest' | 'gzip' | 'tar';

export interface RawLayer {
  diffId: string;
  digest?: string;
  mediaType?: string;
  scan: LayerScan;
  compressedBytes: number;
  compressedSource: CompressedSource;
}

export interface RawImage {
  ref: string;
  id?: string;
  platform?: string;
  config: ImageConfig;
  layers: RawLayer[];
  warnings: string[];
}

export interface ReadOptions {
  platform: string;
  /** True when the user asked for the platform (absent → error instead of a fallback). */
  explicitPlatform: boolean;
  /** Compressed sizes by DiffID from elsewhere (a pushed manifest): skips the gzip estimate. */
  compressedSizes?: Map<string, number>;
}

export interface ImageSource {
  /** How errors and reports name the source: an image ref or a file. */
  label: string;
  read(opts: ReadOptions): Promise<RawImage>;
}

/** A dockerode client for `--host` / DOCKER_HOST values: unix://, tcp://, http(s)://, npipe://. */
export function dockerClient(host?: string): Docker {
  if (!host) return new Docker();
  const m = /^(unix|npipe):\/\/(.+)$/.exec(host);
  if (m) return new Docker({ socketPath: m[2] });
  const t = /^(tcp|http|https):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(host);
  if (t) return new Docker({ protocol: t[1] === 'https' ? 'https' : 'http', host: t[2], port: Number(t[3] ?? (t[1] === 'https' ? 2376 : 2375)) });
  throw new InputError(`--host: expected unix:///path/docker.sock or tcp://HOST:PORT, got '${host}'`);
}

/**
 * The Docker engine's version: which Dockerfile frontend rules a build without `# syntax=` follows. Undefined
 * when the daemon does not answer within the timeout (the graph then assumes current rules).
 */
export async function daemonVersion(docker: Docker, timeoutMs = 5_000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), timeoutMs)));
  try {
    return await Promise.race([docker.version().then((v) => v.Version, () => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How a dockerode client reaches its daemon, for messages: unix:///var/run/docker.sock, tcp://host:2375. */
export function daemonAddress(docker: Docker): string {
  const m = docker.modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string };
  if (typeof m.socketPath === 'string') return `unix://${m.socketPath}`;
  if (m.host) return `${m.protocol === 'https' ? 'https' : 'tcp'}://${m.host}${m.port ? `:${m.port}` : ''}`;
  return 'unix:///var/run/docker.sock'; // dockerode's default (a function that looks for the socket)
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']);

/** A dockerode failure as one line: an unreachable daemon says so first, naming the address. */
export function daemonFailure(docker: Docker, what: string, err: unknown): Error {
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code && UNREACHABLE.has(e.code)) {
    return new Error(`the Docker daemon at ${daemonAddress(docker)} does not answer (${e.code}): start it, or point DOCKER_HOST (or --host) at a running one`);
  }
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  return new Error(`${what} from the Docker daemon at ${daemonAddress(docker)}: ${quoteUntrusted(message, 300)}`);
}

/** The image as the daemon holds it (`docker save` stream; both classic and containerd image stores). */
export function daemonImage(ref: string, docker: Docker = new Docker()): ImageSource {
  const label = ref;
  return {
    label,
    async read(opts) {
      // Only a valid reference (or image ID) reaches the API: other text makes a URL the daemon redirects,
      // and dockerode's redirect handling crashed the process.
      parseImageRef(ref);
      let stream: NodeJS.ReadableStream;
      try {
        await docker.getImage(ref).inspect();
        stream = await docker.getImage(ref).get();
      } catch (err) {
        const e = err as { statusCode?: number; message: string };
        if (e.statusCode === 404) throw new InputError(`image '${ref}' is not in the Docker daemon at ${daemonAddress(docker)} (pull or build it first)`);
        throw daemonFailure(docker, `cannot save image '${ref}'`, err);
      }
      return fromArchive(await readSaveArchive(stream, { label, estimateGzip: !opts.compressedSizes }), ref, label, opts);
    },
  };
}

/** A `docker save` (or OCI layout) tar file; `ref` picks one image when the archive holds several. */
export function imageArchiveFile(path: string, ref?: string): ImageSource {
  return {
    label: path,
    async read(opts) {
      try {
        if (!(await stat(path)).isFile()) throw new Error('not a regular file');
      } catch (err) {
        throw new InputError(`${path}: cannot read image archive (${(err as Error).message})`);
      }
      const archive = await readSaveArchive(createReadStream(path, { highWaterMark: 1 << 20 }), { label: path, estimateGzip: !opts.compressedSizes });
      return fromArchive(archive, ref, path, opts);
    },
  };
}

/** A `docker save` / OCI-layout tar arriving as a stream (e.g. stdin: `docker save img | layerwise analyze -`). */
export function imageArchiveStream(stream: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, label: string, ref?: string): ImageSource {
  return {
    label,
    async read(opts) {
      return fromArchive(await readSaveArchive(stream, { label, estimateGzip: !opts.compressedSizes }), ref, label, opts);
    },
  };
}

function fromArchive(archive: SaveArchive, ref: string | undefined, label: string, opts: ReadOptions): RawImage {
  const image = resolveArchiveImage(archive, { platform: opts.platform, explicitPlatform: opts.explicitPlatform, ref, label });
  const byDiffId = new Map<string, { name: string; scan: LayerScan }>();
  for (const [name, scan] of archive.layers) if (!byDiffId.has(scan.diffId)) byDiffId.set(scan.diffId, { name, scan });
  const warnings = [...image.warnings];
  const layers = image.diffIds.map((diffId, i): RawLayer => {
    const found = byDiffId.get(diffId);
    if (!found) {
      const member = image.layerMembers?.[i] ?? (image.manifestLayers?.[i] ? `blobs/${image.manifestLayers[i].digest.replace(':', '/')}` : undefined);
      const why = member ? archive.layerErrors.get(member) : undefined;
      throw new ArchiveError(why ?? `${label}: layer ${i + 1} (${quoteUntrusted(diffId, 80)}) is not in the archive${member ? ` (expected ${quoteUntrusted(member)})` : ''}`);
    }
    const { name, scan } = found;
    const memberDigest = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name) ? `sha256:${name.slice(13)}` : undefined;
    const descriptor = image.manifestLayers?.[i];
    if (scan.compression !== 'none') {
      if (descriptor && descriptor.size !== scan.blobBytes) warnings.push(`layer ${i + 1}: manifest says ${descriptor.size} bytes, blob has ${scan.blobBytes}`);
      return { diffId, digest: memberDigest, mediaType: descriptor?.mediaType, scan, compressedBytes: scan.blobBytes, compressedSource: 'manifest' };
    }
    return withCompressedSize({ diffId, digest: descriptor?.digest ?? memberDigest, mediaType: descriptor?.mediaType, scan }, opts, warnings, i);
  });
  return { ref: ref ?? label, id: image.configDigest || undefined, platform: image.platform, config: image.config, layers, warnings };
}

function withCompressedSize(layer: Omit<RawLayer, 'compressedBytes' | 'compressedSource'>, opts: ReadOptions, warnings: string[], i: number): RawLayer {
  const known = opts.compressedSizes?.get(layer.diffId);
  if (known !== undefined) return { ...layer, compressedBytes: known, compressedSource: 'manifest' };
  if (layer.scan.gzipBytes !== undefined) return { ...layer, compressedBytes: layer.scan.gzipBytes, compressedSource: 'gzip' };
  warnings.push(`layer ${i + 1}: no compressed size known; using the uncompressed tar length`);
  return { ...layer, compressedBytes: layer.scan.tarBytes, compressedSource: 'tar' };
}

const REGISTRY_PREFETCH = 2;

/** An image in a registry: manifest (platform picked from an index) + config + layer blobs, streamed. */
export function registryImage(ref: string, clientOptions: RegistryClientOptions = {}): ImageSource {
  return {
    label: ref,
    async read(opts) {
      const client = new RegistryClient(clientOptions);
      const resolved = await resolveImageLayers(client, ref, opts.platform);
      const { diffIds } = resolved;
      const descriptors = resolved.manifest.layers;
      const scans = new Map<string, Promise<LayerScan>>(); // a blob referenced twice is fetched once
      const scanOf = (digest: string): Promise<LayerScan> => {
        let p = scans.get(digest);
        if (!p) {
          p = client.getBlob(resolved.ref, digest).then(async (blob) => {
            try {
              return await scanLayerBlob(blob, { label: `${ref}: ${digest}`, estimateGzip: false });
            } finally {
              blob.destroy(); // a refused or broken layer leaves the download open otherwise
            }
          });
          p.catch(() => undefined); // a prefetched blob may fail after an earlier one already did: reported once
          scans.set(digest, p);
        }
        return p;
      };
      const warnings: string[] = [];
      const layers: RawLayer[] = [];
      for (let i = 0; i < descriptors.length; i++) {
        const d = descriptors[i];
        // Two blobs stream at once: download, gunzip and tar parsing overlap.
        for (let j = i + 1; j < Math.min(i + REGISTRY_PREFETCH, descriptors.length); j++) scanOf(descriptors[j].digest);
        const scan = await scanOf(d.digest);
        if (scan.diffId !== diffIds[i]) warnings.push(`layer ${i + 1}: blob ${d.digest} unpacks to ${scan.diffId}, config says ${diffIds[i]}`);
        layers.push({ diffId: diffIds[i], digest: d.digest, mediaType: d.mediaType, scan, compressedBytes: d.size, compressedSource: 'manifest' });
      }
      return { ref, id: resolved.configDigest, platform: resolved.platformName, config: resolved.config, layers, warnings };
    },
  };
}

/** Compressed layer sizes of a pushed image, by DiffID — lets a daemon analysis skip the gzip estimate. */
export async function registryLayerSizes(ref: string, platform: string, clientOptions: RegistryClientOptions = {}): Promise<Map<string, number>> {
  const resolved = await resolveImageLayers(new RegistryClient(clientOptions), ref, platform);
  return new Map(resolved.manifest.layers.map((d, i) => [resolved.diffIds[i], d.size]));
}
