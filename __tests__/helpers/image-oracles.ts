// Measurements of images made outside our code, for integration tests to compare with: GNU tar over a
// `docker save` archive, and the registry's own manifests fetched over plain HTTP.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LayerListing {
  /** Bytes of regular files (hardlinks and whiteouts carry none). */
  fileBytes: number;
  /** Entries of every kind. */
  entries: number;
}

/**
 * Each layer of a saved image, in `manifest.json` order, as GNU tar lists it. Each layer is written to a file
 * first: tar detects compression itself on a file (the containerd store saves gzip blobs, the classic store
 * plain tars), never on a pipe.
 */
export function savedLayers(saveTar: string): LayerListing[] {
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', saveTar, 'manifest.json'], { encoding: 'utf8' })) as { Layers: string[] }[];
  const dir = mkdtempSync(join(tmpdir(), 'lw-layers-'));
  try {
    return manifest[0].Layers.map((member, i) => {
      const layer = join(dir, `layer-${i}`);
      writeFileSync(layer, execFileSync('tar', ['-xOf', saveTar, member], { maxBuffer: 1 << 30 }));
      const listing = execFileSync('tar', ['-tvf', layer], { encoding: 'utf8', maxBuffer: 1 << 28 });
      rmSync(layer);
      const lines = listing.split('\n').filter((l) => l.trim());
      const fileBytes = lines.filter((l) => l.startsWith('-')).reduce((n, l) => n + Number(l.trim().split(/\s+/)[2]), 0);
      return { fileBytes, entries: lines.length };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MANIFEST_TYPES = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
const INDEX_TYPES = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';

/** Regular-file bytes per layer of a saved image (see savedLayers). */
export const savedLayerFileBytes = (saveTar: string): number[] => savedLayers(saveTar).map((l) => l.fileBytes);

/**
 * Compressed layer sizes as the registry's manifest for `ref` (host/repo:tag) states them. An index (the
 * containerd store pushes one, with an attestation manifest beside the image) is followed to `arch`.
 */
export async function registryManifestSizes(ref: string, arch = 'amd64'): Promise<number[]> {
  const [host, ...rest] = ref.split('/');
  const [repo, tag] = rest.join('/').split(':');
  const get = async (reference: string) =>
    (await (await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { headers: { Accept: `${MANIFEST_TYPES}, ${INDEX_TYPES}` } })).json()) as {
      layers?: { size: number }[];
      manifests?: { digest: string; platform?: { architecture: string } }[];
    };
  let m = await get(tag);
  if (m.manifests) m = await get(m.manifests.find((x) => x.platform?.architecture === arch)!.digest);
  return m.layers!.map((l) => l.size);
}
