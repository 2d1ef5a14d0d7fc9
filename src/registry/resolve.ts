// Ref → the single-platform manifest and its image config, through an index when there is one. Shapes are
// validated: a registry's JSON is untrusted.
import { hostPlatformName } from '../core/platform.js';
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { BUILDKIT_CACHE_CONFIG, isIndexMediaType, type Descriptor, type ImageManifest } from './media-types.js';
import { parseImageRef, type ImageRef } from './ref.js';

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Labels?: Record<string, string> | null; [k: string]: unknown };
  rootfs?: { type: string; diff_ids: string[] };
  history?: { created_by?: string; empty_layer?: boolean; comment?: string; created?: string }[];
  [k: string]: unknown;
}

export interface ResolvedImage {
  ref: ImageRef;
  /** Digest of the index the tag points at, when it points at one. */
  indexDigest?: string;
  /** Digest of the single-platform manifest. */
  manifestDigest: string;
  manifestMediaType: string;
  manifest: ImageManifest;
  configDigest: string;
  config: ImageConfig;
}

function isDescriptor(d: unknown): d is Descriptor {
  const x = d as Descriptor;
  return !!x && typeof x.digest === 'string' && typeof x.mediaType === 'string' && Number.isSafeInteger(x.size) && x.size >= 0;
}

function invalid(r: ImageRef, why: string): RegistryError {
  return new RegistryError(`registry ${r.registry}: ${r.repository}: ${why}`, { status: 0, registry: r.registry, code: 'MANIFEST_INVALID' });
}

/** A registry-mode cache tag read as an image: said as such (code NOT_AN_IMAGE), not as a malformed image. */
function cacheNotImage(r: ImageRef): RegistryError {
  return new RegistryError(`registry ${r.registry}: ${r.repository}: a BuildKit cache manifest (registry-mode cache), not an image`, {
    status: 0, registry: r.registry, code: 'NOT_AN_IMAGE',
  });
}

/** Picks the platform's manifest from an index; attestation manifests (`unknown/unknown`) never match. */
export function pickPlatform(manifests: Descriptor[], platform: string): Descriptor | undefined {
  const [os, architecture, variant] = platform.split('/');
  const candidates = manifests.filter((m) => m.platform?.os === os && m.platform?.architecture === architecture);
  return (variant ? candidates.find((m) => m.platform?.variant === variant) : undefined) ?? candidates[0];
}

/** The image's layers, each blob descriptor with the DiffID its config gives it; refuses a config that disagrees. */
export async function resolveImageLayers(client: RegistryClient, ref: string, platform?: string): Promise<ResolvedImage & { diffIds: string[]; platformName?: string }> {
  const resolved = await resolveImage(client, ref, platform);
  const diffIds = resolved.config.rootfs?.diff_ids;
  const descriptors = resolved.manifest.layers;
  if (!Array.isArray(diffIds) || diffIds.length !== descriptors.length) {
    throw new Error(`${ref}: manifest has ${descriptors.length} layers but the config has ${Array.isArray(diffIds) ? diffIds.length : 'no'} DiffIDs`);
  }
  const c = resolved.config;
  return { ...resolved, diffIds, ...(c.os && c.architecture ? { platformName: [c.os, c.architecture, c.variant].filter(Boolean).join('/') } : {}) };
}

export async function resolveImage(client: RegistryClient, ref: string | ImageRef, platform = hostPlatformName()): Promise<ResolvedImage> {
  const r = typeof ref === 'string' ? parseImageRef(ref) : ref;
  let fetched = await client.getManifest(r);
  let indexDigest: string | undefined;
  if (isIndexMediaType(fetched.mediaType) || Array.isArray((fetched.body as { manifests?: unknown }).manifests)) {
    const manifests = (fetched.body as { manifests?: unknown }).manifests;
    if (!Array.isArray(manifests) || !manifests.every(isDescriptor)) throw invalid(r, 'index has malformed manifest descriptors');
    if (manifests.some((m) => m.mediaType === BUILDKIT_CACHE_CONFIG)) throw cacheNotImage(r);
    const chosen = pickPlatform(manifests, platform);
    if (!chosen) {
      const have = manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : '?')).join(', ');
      throw invalid(r, `no manifest for platform ${platform} (index has: ${have || 'none'})`);
    }
    indexDigest = fetched.digest;
    fetched = await client.getManifest({ registry: r.registry, repository: r.repository, digest: chosen.digest });
  }
  const manifest = fetched.body as ImageManifest;
  if (!manifest || !isDescriptor(manifest.config) || !Array.isArray(manifest.layers) || !manifest.layers.every(isDescriptor)) {
    throw invalid(r, `manifest ${fetched.digest} is not an image manifest (media type ${fetched.mediaType || 'none'})`);
  }
  if (manifest.config.mediaType === BUILDKIT_CACHE_CONFIG) throw cacheNotImage(r);
  const config = await client.getJsonBlob<ImageConfig>(r, manifest.config.digest);
  if (!config || typeof config !== 'object') throw invalid(r, `image config ${manifest.config.digest} is not an object`);
  return {
    ref: r,
    indexDigest,
    manifestDigest: fetched.digest,
    manifestMediaType: fetched.mediaType,
    manifest,
    configDigest: manifest.config.digest,
    config,
  };
}
