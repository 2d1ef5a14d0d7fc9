// Re-tagging a skipped run's result where tags were asked for: the image is copied by digest, manifest bytes
// unchanged, so every requested tag points at the very image that was built before. Blobs already in the
// target repository are skipped, same-registry blobs are mounted, others are streamed across.
import type { RegistryClient } from '../registry/client.js';
import { isIndexMediaType, MANIFEST_ACCEPT, type Descriptor } from '../registry/media-types.js';
import { formatImageRef, parseImageRef, type ImageRef } from '../registry/ref.js';

export interface CopyResult {
  tag: string;
  digest: string;
  blobsCopied: number;
  blobsMounted: number;
  blobsPresent: number;
}

const MANIFEST_TYPES = new Set(MANIFEST_ACCEPT);

async function copyBlob(client: RegistryClient, src: ImageRef, dst: ImageRef, blob: Descriptor, result: CopyResult): Promise<void> {
  if (Array.isArray((blob as { urls?: unknown }).urls)) return; // foreign layer: lives elsewhere by design
  if ((await client.headBlob(dst, blob.digest)) !== null) {
    result.blobsPresent++;
    return;
  }
  if (src.registry === dst.registry && (await client.mountBlob(src, dst, blob.digest))) {
    result.blobsMounted++;
    return;
  }
  await client.uploadBlob(dst, blob.digest, await client.getBlob(src, blob.digest), blob.size);
  result.blobsCopied++;
}

async function copyManifest(client: RegistryClient, src: ImageRef, dst: ImageRef, digest: string, target: ImageRef, result: CopyResult): Promise<string> {
  const m = await client.getManifest({ ...src, tag: undefined, digest });
  const body = m.body as { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] };
  if (isIndexMediaType(m.mediaType) || Array.isArray(body.manifests)) {
    for (const child of body.manifests ?? []) {
      // BuildKit's registry cache index lists blobs directly; real indexes list manifests.
      if (MANIFEST_TYPES.has(child.mediaType)) await copyManifest(client, src, dst, child.digest, { ...dst, tag: undefined, digest: child.digest }, result);
      else await copyBlob(client, src, dst, child, result);
    }
  } else {
    for (const blob of [body.config, ...(body.layers ?? [])]) if (blob) await copyBlob(client, src, dst, blob, result);
  }
  return client.putManifest(target, m.raw, m.mediaType);
}

/** Copies `source` (a ref pinned by digest, or a tag) to each of `tags` (full refs, any registry). */
export async function retagByDigest(client: RegistryClient, source: string, tags: string[]): Promise<CopyResult[]> {
  const src = parseImageRef(source);
  const digest = src.digest ?? (await client.headManifest(src))?.digest;
  if (!digest) throw new Error(`cannot re-tag ${source}: it does not exist`);
  const results: CopyResult[] = [];
  for (const tag of tags) {
    const dst = parseImageRef(tag);
    const target = { ...dst, digest: undefined, tag: dst.tag ?? 'latest' };
    const result: CopyResult = { tag: formatImageRef(target), digest, blobsCopied: 0, blobsMounted: 0, blobsPresent: 0 };
    const stored = await copyManifest(client, src, dst, digest, target, result);
    if (stored !== digest) throw new Error(`re-tag of ${source} to ${tag} stored ${stored}, expected ${digest}`);
    results.push(result);
  }
  return results;
}
