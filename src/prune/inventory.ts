// What the cache repository holds: every tag with its manifest digest, age and blobs, read over the Registry
// API (a few requests in parallel). Registry JSON is untrusted: malformed descriptors are skipped.
import type { RegistryClient } from '../registry/client.js';
import { isIndexMediaType, MANIFEST_ACCEPT, type Descriptor } from '../registry/media-types.js';
import { parseImageRef, type ImageRef } from '../registry/ref.js';
import type { CacheManifestInfo } from './plan.js';

const PARALLEL = 8;
const MANIFEST_TYPES = new Set(MANIFEST_ACCEPT);

function descriptors(list: unknown): Descriptor[] {
  if (!Array.isArray(list)) return [];
  return list.filter((d): d is Descriptor => !!d && typeof d.digest === 'string' && Number.isSafeInteger(d.size) && d.size >= 0);
}

async function describe(client: RegistryClient, repo: ImageRef, tag: string): Promise<CacheManifestInfo | null> {
  const head = await client.getManifest({ ...repo, tag }).catch((err: { status?: number }) => {
    if (err.status === 404) return null; // deleted between listing and reading
    throw err;
  });
  if (!head) return null;
  const blobs: CacheManifestInfo['blobs'] = [];
  let configDigest: string | undefined;
  const body = head.body as { manifests?: unknown; config?: unknown; layers?: unknown };
  if (isIndexMediaType(head.mediaType) || Array.isArray(body.manifests)) {
    for (const d of descriptors(body.manifests)) {
      blobs.push({ digest: d.digest, size: d.size });
      if (!MANIFEST_TYPES.has(d.mediaType)) continue; // BuildKit registry cache: the index lists blobs directly
      const child = await client.getManifest({ ...repo, digest: d.digest });
      const c = child.body as { config?: unknown; layers?: unknown };
      const childBlobs = descriptors([c.config, ...(Array.isArray(c.layers) ? c.layers : [])]);
      blobs.push(...childBlobs.map((b) => ({ digest: b.digest, size: b.size })));
      if (!configDigest && d.platform?.os !== 'unknown') configDigest = descriptors([c.config])[0]?.digest;
    }
  } else {
    const config = descriptors([body.config])[0];
    blobs.push(...descriptors([body.config, ...(Array.isArray(body.layers) ? body.layers : [])]).map((b) => ({ digest: b.digest, size: b.size })));
    if (config && (config as Descriptor).mediaType?.includes('image.')) configDigest = config.digest;
  }
  let created: string | undefined;
  if (configDigest) {
    const config = await client.getJsonBlob<{ created?: unknown }>(repo, configDigest, 8 << 20).catch(() => undefined);
    if (typeof config?.created === 'string') created = config.created;
  }
  return { tag, digest: head.digest, created, blobs };
}

/** Every tag of `cacheRepo` (registry/repository, no tag) with digest, `created` and blobs. */
export async function inventoryCacheRepo(client: RegistryClient, cacheRepo: string): Promise<CacheManifestInfo[]> {
  const repo = parseImageRef(cacheRepo);
  const tags = await client.listTags(repo);
  const out: CacheManifestInfo[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const info = await describe(client, repo, tags[next++]);
      if (info) out.push(info);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, tags.length) }, worker));
  return out.sort((a, b) => (a.tag < b.tag ? -1 : 1));
}
