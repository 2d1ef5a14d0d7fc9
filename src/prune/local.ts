// Self-hosted runners keep the daemon between jobs: remove exactly the images layerwise labelled as
// intermediate (`dev.layerwise.intermediate=true`), never anything else. An image in use by a container is
// left alone with a warning.
import Docker from 'dockerode';
import { INTERMEDIATE_LABEL } from '../core/labels.js';

export interface LocalCleanupOptions {
  docker?: Docker;
  dryRun?: boolean;
  /** Further `key=value` labels an image must also carry (narrows the cleanup, e.g. to one project). */
  alsoLabels?: string[];
}

export interface LocalCleanupResult {
  removed: { id: string; tags: string[]; bytes: number }[];
  warnings: string[];
}

export async function removeIntermediateImages(options: LocalCleanupOptions = {}): Promise<LocalCleanupResult> {
  const docker = options.docker ?? new Docker();
  const labels = [`${INTERMEDIATE_LABEL}=true`, ...(options.alsoLabels ?? [])];
  const images = await docker.listImages({ filters: JSON.stringify({ label: labels }) });
  const result: LocalCleanupResult = { removed: [], warnings: [] };
  for (const info of images) {
    // Re-check the label ourselves: the filter is the daemon's, the promise "never others" is ours.
    if (info.Labels?.[INTERMEDIATE_LABEL] !== 'true') continue;
    const tags = (info.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    if (options.dryRun) {
      result.removed.push({ id: info.Id, tags, bytes: info.Size });
      continue;
    }
    try {
      // Untag each name, then the id: `force` would also untag images another name still needs.
      for (const tag of tags) await docker.getImage(tag).remove();
      if (!tags.length) await docker.getImage(info.Id).remove();
      result.removed.push({ id: info.Id, tags, bytes: info.Size });
    } catch (err) {
      const e = err as { statusCode?: number; json?: { message?: string }; message: string };
      if (e.statusCode === 404) continue;
      result.warnings.push(`kept ${tags[0] ?? info.Id.slice(0, 19)}: ${e.json?.message ?? e.message}`);
    }
  }
  return result;
}
