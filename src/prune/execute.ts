// Carrying out a prune plan over the Registry API. A registry that refuses deletion stops the run at the first
// manifest, so nothing is lost and the caller gets one clear message; other failures are per-tag warnings.
import type { RegistryClient } from '../registry/client.js';
import { RegistryDeleteUnsupportedError } from '../registry/errors.js';
import { parseImageRef } from '../registry/ref.js';
import type { ManifestDeleter } from './ghcr.js';
import type { PrunePlan } from './plan.js';

export interface PruneOutcome {
  deleted: { digest: string; tags: string[] }[];
  /** Set when the registry does not allow deletion: nothing was deleted. */
  unsupported?: string;
  warnings: string[];
}

/** `deleter` defaults to the Registry API (the client); ghcr.io needs ghcrDeleter (GitHub Packages API). */
export async function executePrune(client: RegistryClient, cacheRepo: string, plan: PrunePlan, deleter: ManifestDeleter = client): Promise<PruneOutcome> {
  const repo = parseImageRef(cacheRepo);
  if (repo.tag || repo.digest) throw new Error(`prune needs a repository without tag or digest, got ${cacheRepo}`);
  const outcome: PruneOutcome = { deleted: [], warnings: [] };
  for (const group of plan.remove) {
    try {
      const gone = await deleter.deleteManifest(cacheRepo, group.digest);
      if (gone) outcome.deleted.push({ digest: group.digest, tags: group.tags.map((t) => t.tag) });
      else outcome.warnings.push(`${group.tags.map((t) => t.tag).join(', ')} (${group.digest.slice(0, 19)}) was already gone`);
    } catch (err) {
      if (err instanceof RegistryDeleteUnsupportedError) {
        outcome.unsupported = err.message;
        return outcome;
      }
      outcome.warnings.push(`could not delete ${group.tags.map((t) => t.tag).join(', ')}: ${(err as Error).message}`);
    }
  }
  return outcome;
}
