// One prune run, shared by `layerwise prune` and the action's `mode: prune`: inventory → plan → (delete) →
// a report that lists what goes and the bytes it frees.
import { termText } from '../core/terminal-text.js';
import { formatBytes } from '../core/units.js';
import { InputError } from '../core/errors.js';
import type { RegistryClient } from '../registry/client.js';
import { parseImageRef } from '../registry/ref.js';
import { executePrune, type PruneOutcome } from './execute.js';
import type { Octokit } from '../github/octokit.js';
import { ghcrDeleter, type ManifestDeleter } from './ghcr.js';
import { inventoryCacheRepo } from './inventory.js';
import { planPrune, type LiveRefs, type PrunePlan } from './plan.js';

export interface PruneRunOptions {
  client: RegistryClient;
  /** The cache repository (registry/repository). Image repositories must never be passed here. */
  cacheRepo: string;
  live: LiveRefs;
  retentionMs?: number;
  keepScopes?: string[];
  dryRun: boolean;
  now?: Date;
  /** How to delete (default: the Registry API; ghcr.io with `octokit` given: the GitHub Packages API). */
  deleter?: ManifestDeleter;
  /** Used for ghcr.io, whose manifests are deleted as package versions. */
  octokit?: Octokit;
  /** Image repositories (from the tags the build pushes): prune refuses to touch any of them. */
  imageRepos?: string[];
}

export interface PruneRunResult {
  cacheRepo: string;
  dryRun: boolean;
  tagsSeen: number;
  plan: PrunePlan;
  outcome?: PruneOutcome;
}

export async function runPrune(o: PruneRunOptions): Promise<PruneRunResult> {
  const cache = parseImageRef(o.cacheRepo);
  for (const image of o.imageRepos ?? []) {
    const r = parseImageRef(image);
    if (r.registry === cache.registry && r.repository === cache.repository) {
      throw new InputError(`prune: the cache repository ${o.cacheRepo} is also an image repository (${image}); prune only ever cleans a separate cache repository`);
    }
  }
  const inventory = await inventoryCacheRepo(o.client, o.cacheRepo);
  const plan = planPrune(inventory, o.live, o.retentionMs, o.now ?? new Date(), { keepScopes: o.keepScopes });
  const result: PruneRunResult = { cacheRepo: o.cacheRepo, dryRun: o.dryRun, tagsSeen: inventory.length, plan };
  const deleter = o.deleter ?? (cache.registry === 'ghcr.io' && o.octokit ? ghcrDeleter(o.octokit, o.cacheRepo) : undefined);
  if (!o.dryRun && plan.remove.length) result.outcome = await executePrune(o.client, o.cacheRepo, plan, deleter);
  return result;
}

/** Plain-text lines for the CLI and the job log. `deleteHint` says how to delete for real (CLI vs action input). */
export function formatPruneReport(r: PruneRunResult, live: LiveRefs, deleteHint = 'run with --delete to delete'): string[] {
  const lines: string[] = [];
  const deleted = new Set(r.outcome?.deleted.map((d) => d.digest));
  const verb = (digest: string) => (r.dryRun ? 'would delete' : deleted.has(digest) ? 'deleted' : 'not deleted');
  const removedTags = r.plan.remove.flatMap((g) => g.tags);
  // Tags come from the registry: shown with control characters escaped, one per line.
  const width = Math.max(0, ...removedTags.map((t) => termText(t.tag).length));
  for (const t of removedTags) lines.push(`${verb(t.digest).padEnd(12)}  ${termText(t.tag).padEnd(width)}  ${termText(t.digest.slice(0, 19))}  ${t.reason}`);
  const tags = (n: number) => `${n} of ${r.tagsSeen} tag${r.tagsSeen === 1 ? '' : 's'} in ${r.cacheRepo}`;
  const deletedTags = removedTags.filter((t) => deleted.has(t.digest)).length;
  // Bytes freed are those of the plan when every planned manifest went; otherwise only the deleted groups' own.
  const freed = deletedTags === removedTags.length ? r.plan.bytesFreed : r.plan.remove.filter((g) => deleted.has(g.digest)).reduce((n, g) => n + g.bytes, 0);
  if (!removedTags.length) lines.push(`nothing to prune: ${r.tagsSeen} tag${r.tagsSeen === 1 ? '' : 's'} in ${r.cacheRepo}, all kept`);
  else if (r.dryRun) lines.push(`dry run: ${tags(removedTags.length)} would go, freeing ${formatBytes(r.plan.bytesFreed)} of blobs no kept tag uses; ${deleteHint}`);
  else if (r.outcome?.unsupported) lines.push(`nothing deleted: ${r.outcome.unsupported}`);
  else lines.push(`deleted ${tags(deletedTags)}; ${formatBytes(freed)} of blobs no kept tag uses become free after the registry's garbage collection`);
  for (const w of r.outcome?.warnings ?? []) lines.push(`warning: ${termText(w)}`);
  if (!live.openPrs) lines.push('note: PR scopes were not judged (no open-PR list given)');
  if (!live.branches) lines.push('note: branch scopes were not judged (no branch list given)');
  return lines;
}
