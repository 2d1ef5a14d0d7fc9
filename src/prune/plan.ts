// Which cache tags go: PR scopes of closed PRs, branch scopes of deleted branches, and manifests older than
// the retention. Only tags of layerwise's own shape (`<stage>--<scope>`) are ever candidates, and a manifest
// shared with a kept tag is kept (deleting by digest would take the kept tag with it). Pure.
import { branchScope, cacheTag, prScope } from '../cache/refs.js';
import { InputError } from '../core/errors.js';

export interface CacheManifestInfo {
  tag: string;
  digest: string;
  /** The image config's `created` (ISO 8601), when the manifest is an image; cache-only manifests have none. */
  created?: string;
  /** Blobs the manifest references (config, layers, child manifests), for the bytes a deletion frees. */
  blobs: { digest: string; size: number }[];
}

/** What still exists. An undefined list means "unknown": that criterion is not applied. */
export interface LiveRefs {
  openPrs?: number[];
  branches?: string[];
}

export interface PruneItem {
  tag: string;
  digest: string;
  stage?: string;
  scope?: string;
  reason: string;
}

export interface PrunePlan {
  /** Manifests to delete, each with every tag that points at it. */
  remove: { digest: string; tags: PruneItem[]; bytes: number }[];
  keep: PruneItem[];
  /** Sum of unique blob sizes referenced only by removed manifests. */
  bytesFreed: number;
}

const DAY = 86_400_000;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY };

/** `30d`, `12h`, `2w`, `90m`; `0`, `off` or empty → undefined (no age limit). `where` names the input. */
export function parseRetention(text: string | undefined, where: string): number | undefined {
  const t = (text ?? '').trim().toLowerCase();
  if (t === '' || t === '0' || t === 'off' || t === 'none') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(t);
  if (!m || Number(m[1]) <= 0) throw new InputError(`${where}: expected a duration like 30d, 12h, 2w or 90m (or 0/off), got '${text}'`);
  return Number(m[1]) * UNITS[m[2]];
}

/** Splits `<stage>--<scope>`; stage and scope never contain `--` themselves (sanitised). */
export function parseCacheTag(tag: string): { stage: string; scope: string; variant?: 'full' } | null {
  const i = tag.indexOf('--');
  if (i <= 0 || i + 2 >= tag.length) return null;
  const rest = tag.slice(i + 2);
  // `<stage>--<scope>--full`: the inline cache of a build that ran every step itself (see cache/refs.ts).
  if (rest.endsWith('--full') && rest.length > '--full'.length) return { stage: tag.slice(0, i), scope: rest.slice(0, -'--full'.length), variant: 'full' };
  return { stage: tag.slice(0, i), scope: rest };
}

function describeAge(ms: number): string {
  const days = ms / DAY;
  return days >= 2 ? `${Math.floor(days)} days` : `${Math.floor(ms / 3_600_000)} hours`;
}

function judge(info: CacheManifestInfo, live: LiveRefs, retentionMs: number | undefined, now: Date, keepScopes: Set<string>): PruneItem & { remove: boolean } {
  const parsed = parseCacheTag(info.tag);
  const base = { tag: info.tag, digest: info.digest, stage: parsed?.stage, scope: parsed?.scope };
  if (!parsed) return { ...base, remove: false, reason: 'not a layerwise cache tag (<stage>--<scope>)' };
  const { stage, scope, variant } = parsed;
  if (keepScopes.has(scope)) return { ...base, remove: false, reason: `scope ${scope} is protected` };
  const pr = /^pr-(\d+)/.exec(scope);
  if (pr && live.openPrs) {
    const open = live.openPrs.some((n) => cacheTag(stage, prScope(n), variant) === info.tag);
    if (!open) return { ...base, remove: true, reason: `PR #${Number(pr[1])} is closed` };
  }
  if (scope.startsWith('br-') && live.branches) {
    const exists = live.branches.some((b) => cacheTag(stage, branchScope(b), variant) === info.tag);
    if (!exists) return { ...base, remove: true, reason: `branch ${scope.slice(3)} no longer exists` };
  }
  if (retentionMs !== undefined) {
    const created = info.created ? Date.parse(info.created) : NaN;
    if (Number.isFinite(created) && now.getTime() - created > retentionMs) {
      return { ...base, remove: true, reason: `created ${describeAge(now.getTime() - created)} ago, older than the retention` };
    }
    if (!Number.isFinite(created)) return { ...base, remove: false, reason: 'age unknown (cache-only manifest): kept' };
  }
  return { ...base, remove: false, reason: 'live' };
}

export function planPrune(
  tags: CacheManifestInfo[],
  live: LiveRefs,
  retentionMs: number | undefined,
  now: Date,
  options: { keepScopes?: string[] } = {},
): PrunePlan {
  const keepScopes = new Set(options.keepScopes ?? []);
  const judged = tags.map((t) => ({ info: t, verdict: judge(t, live, retentionMs, now, keepScopes) }));
  const keptDigests = new Map<string, string>();
  for (const j of judged) if (!j.verdict.remove) keptDigests.set(j.info.digest, j.info.tag);

  const keep: PruneItem[] = [];
  const groups = new Map<string, { info: CacheManifestInfo; tags: PruneItem[] }>();
  for (const { info, verdict } of judged) {
    const { remove, ...item } = verdict;
    if (!remove) keep.push(item);
    else if (keptDigests.has(info.digest)) {
      keep.push({ ...item, reason: `${item.reason}, but its manifest is shared with kept tag ${keptDigests.get(info.digest)}` });
    } else {
      const g = groups.get(info.digest) ?? { info, tags: [] };
      g.tags.push(item);
      groups.set(info.digest, g);
    }
  }
  const keptBlobs = new Set<string>();
  for (const { info } of judged) if (keptDigests.has(info.digest)) for (const b of info.blobs) keptBlobs.add(b.digest);
  const freed = new Map<string, number>();
  const remove = [...groups.values()].map(({ info, tags: items }) => {
    let bytes = 0;
    for (const b of info.blobs) {
      if (keptBlobs.has(b.digest)) continue;
      bytes += b.size;
      freed.set(b.digest, b.size);
    }
    return { digest: info.digest, tags: items, bytes };
  });
  return { remove, keep, bytesFreed: [...freed.values()].reduce((a, b) => a + b, 0) };
}
