// Actions-cache hygiene for gha mode: which entries belong to refs that no run can read any more (closed PRs'
// `refs/pull/<n>/merge`, deleted branches' `refs/heads/<b>`), and how much of the repository's cache quota the
// stage caches take. Only entries of the shapes BuildKit's gha cache and layerwise write are ever candidates. Pure.
import { termText } from '../core/terminal-text.js';
import { formatBytes } from '../core/units.js';
import type { LiveRefs } from './plan.js';

/** One entry as GitHub's REST API lists it (`GET /repos/{owner}/{repo}/actions/caches`). */
export interface ActionsCacheEntry {
  id: number;
  ref: string;
  key: string;
  sizeBytes: number;
  lastAccessedAt?: string;
}

/** BuildKit's gha cache (`index-…`, `buildkit-blob-…`) and layerwise's own entries (results, baselines). */
export const STAGE_CACHE_KEY_PREFIXES = ['index-', 'buildkit-blob-', 'layerwise-'];

export function isStageCacheEntry(key: string): boolean {
  return STAGE_CACHE_KEY_PREFIXES.some((p) => key.startsWith(p));
}

/** Why no run can read this ref's caches any more, or undefined while it lives (or cannot be judged). */
export function deadRefReason(ref: string, live: LiveRefs): string | undefined {
  const pr = /^refs\/pull\/(\d+)\/merge$/.exec(ref);
  if (pr) return live.openPrs && !live.openPrs.includes(Number(pr[1])) ? `pull request #${pr[1]} is closed` : undefined;
  const branch = /^refs\/heads\/(.+)$/.exec(ref);
  if (branch) return live.branches && !live.branches.includes(branch[1]) ? `branch ${branch[1]} is deleted` : undefined;
  return undefined; // tags and anything else: left alone
}

export interface ActionsCachePrunePlan {
  remove: (ActionsCacheEntry & { reason: string })[];
  kept: number;
  bytesFreed: number;
}

export function planActionsCachePrune(entries: ActionsCacheEntry[], live: LiveRefs): ActionsCachePrunePlan {
  const remove: ActionsCachePrunePlan['remove'] = [];
  for (const e of entries) {
    const reason = isStageCacheEntry(e.key) ? deadRefReason(e.ref, live) : undefined;
    if (reason) remove.push({ ...e, reason });
  }
  return { remove, kept: entries.length - remove.length, bytesFreed: remove.reduce((n, e) => n + e.sizeBytes, 0) };
}

/** GitHub's default per repository, used when the repository's own limit cannot be read (it needs admin rights). */
export const DEFAULT_CACHE_QUOTA_BYTES = 10e9; // GitHub says "10 GB"; its limits are given in GB

export interface ActionsCacheUsage {
  /** Entries of the shapes above, in every ref. */
  stageBytes: number;
  stageEntries: number;
  /** Every active entry of the repository, any tool's. */
  totalBytes: number;
  quotaBytes: number;
  /** False: the repository's limit could not be read; GitHub's default is assumed. */
  quotaKnown: boolean;
}

export function actionsCacheUsage(entries: ActionsCacheEntry[], totalBytes: number, quotaBytes: number | undefined): ActionsCacheUsage {
  const stage = entries.filter((e) => isStageCacheEntry(e.key));
  return {
    stageBytes: stage.reduce((n, e) => n + e.sizeBytes, 0),
    stageEntries: stage.length,
    totalBytes,
    quotaBytes: quotaBytes ?? DEFAULT_CACHE_QUOTA_BYTES,
    quotaKnown: quotaBytes !== undefined,
  };
}

/** Plain-text lines for the job log. Keys and refs are any workflow's (a fork PR's run writes its own): escaped. */
export function formatActionsCachePrune(r: { plan: ActionsCachePrunePlan; seen: number; deleted: number[]; warnings: string[] }, dryRun: boolean, deleteHint: string): string[] {
  const gone = new Set(r.deleted);
  const lines = r.plan.remove.map(
    (e) => `${(dryRun ? 'would delete' : gone.has(e.id) ? 'deleted' : 'not deleted').padEnd(12)}  ${termText(e.key)}  ${termText(e.ref)}  ${formatBytes(e.sizeBytes)}  ${e.reason}`,
  );
  const of = `of ${r.seen} stage-cache entr${r.seen === 1 ? 'y' : 'ies'} in the Actions cache`;
  if (!r.plan.remove.length) lines.push(`nothing to prune: ${r.seen} stage-cache entr${r.seen === 1 ? 'y' : 'ies'} in the Actions cache, all in live refs`);
  else if (dryRun) lines.push(`dry run: ${r.plan.remove.length} ${of} would go, freeing ${formatBytes(r.plan.bytesFreed)}; ${deleteHint}`);
  else {
    const freed = r.plan.remove.filter((e) => gone.has(e.id)).reduce((n, e) => n + e.sizeBytes, 0);
    lines.push(`deleted ${r.deleted.length} ${of}, freeing ${formatBytes(freed)}`);
  }
  return [...lines, ...r.warnings.map((w) => `warning: ${termText(w)}`)];
}
