// Carrying out a prune plan over the Registry API. A registry that refuses deletion stops the run at the first
// manifest, so nothing is lost and the caller gets one clear message; other failures are per-tag warnings.
import type { RegistryClient } from '../registry/client.js';
import { RegistryDeleteUnsupportedError } from '../registry/errors.js';
import { parseImageRef } from '../registry/ref.js';
import type { PrunePlan } from './plan.js';

export interface PruneOutcome {
  deleted: { digest: string; tags: string[] }[];
  /** Set when the registry does not allow deletion: nothing was deleted. */
  unsupported?: string;
  warnings: string[];
}

export async function executePrune(client: RegistryClient, cacheRepo: string, plan: PrunePlan): Promise<PruneOutcome> {
  const repo = parseImageRef(cacheRepo);
  if (repo.tag || repo.digest) throw new Error(`prune needs a repository without tag or digest, got ${cacheRepo}`);
  const outcome: PruneOutcome = { deleted: [], warnings: [] };
  for (const group of plan.remove) {
    try {
      const gone = await client.deleteManifest(repo, group.digest);
      if (!gone) outcome.warnings.push(`${group.digest.slice(0, 19)} (${group.tags.map((t) => t.tag).join(', ')}) was already gone`);
      outcome.deleted.push({ digest: group.digest, tags: group.tags.map((t) => t.tag) });
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
