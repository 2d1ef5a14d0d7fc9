// The GitHub side of Actions-cache hygiene (see actions-cache-plan.ts): list the repository's cache entries
// (Octokit pagination), read its usage and limit, delete entries by id. Thin: every decision is the plan's.
import { errorLine } from '../core/errors.js';
import type { Octokit } from '../github/octokit.js';
import { actionsCacheUsage, planActionsCachePrune, STAGE_CACHE_KEY_PREFIXES, type ActionsCacheEntry, type ActionsCachePrunePlan, type ActionsCacheUsage } from './actions-cache-plan.js';
import type { LiveRefs } from './plan.js';

type Repo = { owner: string; repo: string };

/** Entries whose key starts with one of the stage-cache prefixes (the API filters by key prefix). */
export async function listStageCacheEntries(octokit: Octokit, repo: Repo): Promise<ActionsCacheEntry[]> {
  const lists = await Promise.all(
    STAGE_CACHE_KEY_PREFIXES.map((key) => octokit.paginate(octokit.rest.actions.getActionsCacheList, { ...repo, key, per_page: 100 })),
  );
  const byId = new Map<number, ActionsCacheEntry>();
  for (const c of lists.flat()) {
    if (typeof c.id !== 'number' || typeof c.ref !== 'string' || typeof c.key !== 'string') continue;
    byId.set(c.id, { id: c.id, ref: c.ref, key: c.key, sizeBytes: c.size_in_bytes ?? 0, ...(c.last_accessed_at ? { lastAccessedAt: c.last_accessed_at } : {}) });
  }
  return [...byId.values()];
}

/** How much of the quota the stage caches use. The limit needs admin rights to read: GitHub's default otherwise. */
export async function readActionsCacheUsage(octokit: Octokit, repo: Repo): Promise<ActionsCacheUsage> {
  const [entries, usage, limit] = await Promise.all([
    listStageCacheEntries(octokit, repo),
    octokit.rest.actions.getActionsCacheUsage(repo),
    octokit.request('GET /repos/{owner}/{repo}/actions/cache/storage-limit', repo).then(
      (r) => (r.data as { max_cache_size_gb?: number }).max_cache_size_gb,
      () => undefined,
    ),
  ]);
  return actionsCacheUsage(entries, usage.data.active_caches_size_in_bytes, typeof limit === 'number' ? limit * 1e9 : undefined);
}

export interface ActionsCachePruneResult {
  plan: ActionsCachePrunePlan;
  seen: number;
  deleted: number[];
  warnings: string[];
}

export async function pruneActionsCache(octokit: Octokit, repo: Repo, live: LiveRefs, dryRun: boolean): Promise<ActionsCachePruneResult> {
  const entries = await listStageCacheEntries(octokit, repo);
  const plan = planActionsCachePrune(entries, live);
  const deleted: number[] = [];
  const warnings: string[] = [];
  if (!dryRun) {
    for (const e of plan.remove) {
      try {
        await octokit.rest.actions.deleteActionsCacheById({ ...repo, cache_id: e.id });
        deleted.push(e.id);
      } catch (err) {
        // 404: gone meanwhile (evicted, or another prune); anything else, e.g. 403 without `actions: write`, is said.
        if ((err as { status?: number }).status === 404) deleted.push(e.id);
        else warnings.push(`could not delete Actions-cache entry ${e.id} (${e.key}): ${errorLine(err)}`);
      }
    }
  }
  return { plan, seen: entries.length, deleted, warnings };
}
