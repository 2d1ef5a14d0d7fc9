// Which image in a saved archive, and its layers in order. The image config's rootfs.diff_ids is the source
// of truth for order (Docker 25.0.x wrote OCI manifests with missing or misordered layers, moby#47065/#47161);
// index.json / manifest.json only lead to the config. Attestation manifests are skipped, and from a
// multi-platform index the requested platform is picked among the manifests actually present.
import { pickPlatform, type ImageConfig } from '../registry/index.js';
import type { Descriptor } from '../registry/index.js';
import { quoteUntrusted } from '../core/errors.js';
import { ArchiveError, type SaveArchive } from './archive.js';

export interface ArchiveImage {
  configName: string;
  configDigest: string;
  config: ImageConfig;
  diffIds: string[];
  platform?: string;
  /** Compressed layer descriptors from the OCI manifest, when the archive has one. */
  manifestLayers?: Descriptor[];
  /** manifest.json `Layers` member names, when present. */
  layerMembers?: string[];
  warnings: string[];
}

interface DockerManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

const blobName = (digest: string): string => `blobs/${digest.replace(':', '/')}`;

function isDescriptor(d: unknown): d is Descriptor {
  const x = d as Descriptor;
  return !!x && typeof x.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(x.digest);
}

function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';
}

function refMatches(d: Descriptor, ref: string): boolean {
  const names = [d.annotations?.['io.containerd.image.name'], d.annotations?.['org.opencontainers.image.ref.name']];
  return names.some((n) => !!n && (n === ref || n === `docker.io/library/${ref}` || n === `docker.io/${ref}` || ref.endsWith(`:${n}`) || n.endsWith(`/${ref}`)));
}

function platformOf(config: ImageConfig): string | undefined {
  if (!config.os || !config.architecture) return undefined;
  return [config.os, config.architecture, config.variant].filter(Boolean).join('/');
}

/** Follows index.json down to one image manifest; returns its name in the archive, or undefined. */
function manifestFromIndex(archive: SaveArchive, want: { platform: string; explicitPlatform: boolean; ref?: string }, warnings: string[]): string | undefined {
  let doc = archive.docs.get('index.json') as { manifests?: unknown } | undefined;
  if (!doc || !Array.isArray(doc.manifests)) return undefined;
  let top = true;
  for (let depth = 0; depth < 8; depth++) {
    const all = (doc.manifests as unknown[]).filter(isDescriptor).filter((d) => !isAttestation(d));
    const present = all.filter((d) => archive.docs.has(blobName(d.digest)));
    let chosen: Descriptor | undefined;
    if (top && want.ref) chosen = present.find((d) => refMatches(d, want.ref!));
    if (!chosen && present.some((d) => d.platform)) {
      chosen = pickPlatform(present, want.platform);
      if (!chosen && want.explicitPlatform) {
        const have = quoteUntrusted(present.map((d) => `${d.platform?.os}/${d.platform?.architecture}`).join(', '));
        throw new ArchiveError(`platform ${want.platform} is not in the archive (it has: ${have || 'none'})`);
      }
      if (!chosen && present.length) warnings.push(`platform ${want.platform} is not in the archive; analysing ${quoteUntrusted(`${present[0].platform?.os}/${present[0].platform?.architecture}`)}`);
    }
    chosen ??= present[0];
    if (!chosen) return undefined;
    const name = blobName(chosen.digest);
    const next = archive.docs.get(name) as { manifests?: unknown; config?: unknown } | undefined;
    if (next && Array.isArray(next.manifests)) {
      doc = next;
      top = false;
      continue;
    }
    return next && isDescriptor(next.config) ? name : undefined;
  }
  return undefined;
}

function dockerManifestEntries(archive: SaveArchive): DockerManifestEntry[] {
  const m = archive.docs.get('manifest.json');
  return Array.isArray(m) ? m.filter((e): e is DockerManifestEntry => !!e && typeof e === 'object') : [];
}

export function resolveArchiveImage(
  archive: SaveArchive,
  want: { platform: string; explicitPlatform?: boolean; ref?: string; label: string },
): ArchiveImage {
  const warnings: string[] = [];
  let manifestLayers: Descriptor[] | undefined;
  let configName: string | undefined;
  const manifestName = manifestFromIndex(archive, { ...want, explicitPlatform: !!want.explicitPlatform }, warnings);
  if (manifestName) {
    const manifest = archive.docs.get(manifestName) as { config: Descriptor; layers?: unknown };
    configName = blobName(manifest.config.digest);
    if (Array.isArray(manifest.layers) && manifest.layers.every(isDescriptor)) manifestLayers = manifest.layers;
  }
  const entries = dockerManifestEntries(archive);
  const entry =
    (configName ? entries.find((e) => e.Config === configName) : undefined) ??
    (want.ref ? entries.find((e) => Array.isArray(e.RepoTags) && e.RepoTags.some((t) => t === want.ref || t === `${want.ref}:latest`)) : undefined) ??
    entries.find((e) => {
      const c = typeof e.Config === 'string' ? (archive.docs.get(e.Config) as ImageConfig | undefined) : undefined;
      return c && platformOf(c) && want.platform.startsWith(platformOf(c)!.split('/').slice(0, 2).join('/'));
    }) ??
    entries[0];
  if (!configName && entry && typeof entry.Config === 'string') configName = entry.Config;
  if (!configName) {
    throw new ArchiveError(`${want.label}: not an image archive (no index.json manifest and no manifest.json entry leads to an image config)`);
  }
  const config = archive.docs.get(configName) as ImageConfig | undefined;
  const diffIds = config?.rootfs?.diff_ids;
  if (!config || !Array.isArray(diffIds) || !diffIds.every((d) => typeof d === 'string')) {
    throw new ArchiveError(`${want.label}: image config ${quoteUntrusted(configName)} is missing or has no rootfs.diff_ids`);
  }
  const platform = platformOf(config);
  const actual = platform && quoteUntrusted(platform, 60);
  if (want.explicitPlatform && actual && !`${actual}/`.startsWith(`${want.platform.split('/').slice(0, 2).join('/')}/`)) {
    warnings.push(`asked for platform ${want.platform} but the archive's image is ${actual}; analysing ${actual}`);
  }
  const layerMembers = Array.isArray(entry?.Layers) && entry.Layers.every((l) => typeof l === 'string') ? (entry.Layers as string[]) : undefined;
  if (layerMembers && layerMembers.length !== diffIds.length) {
    warnings.push(`manifest.json lists ${layerMembers.length} layers but the config has ${diffIds.length} DiffIDs; using the config`);
  }
  if (manifestLayers && manifestLayers.length !== diffIds.length) {
    warnings.push(`the OCI manifest lists ${manifestLayers.length} layers but the config has ${diffIds.length} DiffIDs (Docker 25.0.x bug); using the config`);
    manifestLayers = undefined;
  }
  return {
    configName,
    configDigest: archive.docDigests.get(configName) ?? '',
    config,
    diffIds,
    platform,
    manifestLayers,
    layerMembers,
    warnings,
  };
}
