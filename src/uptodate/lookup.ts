// Finding a previous result for the same content key: the final cache image carries the key as a label.
import { CONTENT_KEY_LABEL } from '../core/labels.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { resolveImage, type ResolvedImage } from '../registry/resolve.js';

export { CONTENT_KEY_LABEL };

export interface UpToDateHit {
  /** The ref whose image carries the key. */
  ref: string;
  /** Digest to re-tag from: the index when the tag points at one, else the manifest. */
  digest: string;
  manifestDigest: string;
  key: string;
  /** The image config's `created`, when set. */
  created?: string;
  image: ResolvedImage;
}

/**
 * The first of `refs` (most specific first, e.g. own scope, then the base branch's) whose image config has
 * `dev.layerwise.content-key` = key, or null. Missing tags and BuildKit cache manifests are skipped; other
 * registry errors propagate (the caller turns them into a warning and builds).
 */
export async function findUpToDate(client: RegistryClient, refs: string | string[], key: string, platform?: string): Promise<UpToDateHit | null> {
  for (const ref of Array.isArray(refs) ? refs : [refs]) {
    const head = await client.headManifest(ref);
    if (!head) continue;
    let image: ResolvedImage;
    try {
      image = await resolveImage(client, ref, platform);
    } catch (err) {
      // A registry-mode cache tag among the refs (the target's stage cache) holds no result: look further.
      if (err instanceof RegistryError && err.code === 'NOT_AN_IMAGE') continue;
      throw err;
    }
    const labels = image.config.config?.Labels;
    const found = labels && typeof labels === 'object' ? labels[CONTENT_KEY_LABEL] : undefined;
    if (found === key) {
      return {
        ref,
        digest: image.indexDigest ?? image.manifestDigest,
        manifestDigest: image.manifestDigest,
        key,
        created: typeof image.config.created === 'string' ? image.config.created : undefined,
        image,
      };
    }
  }
  return null;
}
