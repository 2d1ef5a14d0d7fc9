// Asks the registry which candidate cache refs exist, before any build: missing refs are dropped (no
// "importing cache manifest … not found" noise, no wasted round trips in BuildKit) and kept refs are pinned
// by digest, so a concurrent job overwriting a tag mid-build cannot change what we read. An unreachable or
// refusing registry is a warning: the build goes on without those caches.
import { errorLine } from '../core/errors.js';
import type { CacheSourceStatus } from './types.js';

/** What we need of the registry client (src/registry RegistryClient fits). */
export interface CacheRefChecker {
  headManifest(ref: string): Promise<{ digest: string } | null>;
  /** For copying a manifest to another tag (inline mode's `--full` copy). */
  getManifest?(ref: string): Promise<{ raw: Buffer; mediaType: string }>;
  putManifest?(ref: string, raw: Buffer, mediaType: string): Promise<string>;
  /** How a found ref is read: default `ref@digest` (pinned); a gha scope stays as it is. */
  pin?(ref: string, digest: string): string;
  /** Names the store in warnings; default "cache registry". */
  label?: string;
}

/** Copies the manifest at `from` to tag `to` in the same repository: no blob moves. */
export async function copyManifest(registry: CacheRefChecker, from: string, to: string): Promise<void> {
  if (!registry.getManifest || !registry.putManifest) throw new Error('the registry client cannot copy manifests');
  const m = await registry.getManifest(from);
  await registry.putManifest(to, m.raw, m.mediaType);
}

export interface ResolvedSources {
  /** ref → `ref@sha256:…` for refs that exist. */
  pinned: Map<string, string>;
  statuses: CacheSourceStatus[];
  warnings: string[];
}

export async function resolveCacheSources(refs: string[], checker: CacheRefChecker): Promise<ResolvedSources> {
  const unique = [...new Set(refs)];
  const results = await Promise.all(
    unique.map(async (ref) => {
      try {
        return { ref, head: await checker.headManifest(ref) };
      } catch (err) {
        return { ref, error: errorLine(err) };
      }
    }),
  );
  const pinned = new Map<string, string>();
  const statuses: CacheSourceStatus[] = [];
  const failures: { registry: string; error: string }[] = [];
  for (const r of results) {
    if ('error' in r && r.error) {
      statuses.push({ ref: r.ref, status: 'error', detail: r.error });
      failures.push({ registry: r.ref.split('/')[0], error: r.error });
    } else if (r.head) {
      pinned.set(r.ref, checker.pin ? checker.pin(r.ref, r.head.digest) : `${r.ref}@${r.head.digest}`);
      statuses.push({ ref: r.ref, status: 'imported' });
    } else {
      statuses.push({ ref: r.ref, status: 'missing', detail: checker.label ? `not in the ${checker.label} yet` : 'not in the registry yet' });
    }
  }
  // One warning per registry: when it is down, every ref fails the same way.
  const byRegistry = new Map<string, { first: string; count: number }>();
  for (const f of failures) {
    const entry = byRegistry.get(f.registry);
    if (entry) entry.count++;
    else byRegistry.set(f.registry, { first: f.error, count: 1 });
  }
  const warnings = [...byRegistry.values()].map(
    (e) => `${checker.label ?? 'cache registry'} check failed, building without those caches: ${e.first}${e.count > 1 ? ` (and ${e.count - 1} more ref(s) there)` : ''}`,
  );
  return { pinned, statuses, warnings };
}

/**
 * Kept refs for one build, pinned, in candidate order, capped. `own`: registry mode's refs of the stage itself;
 * when one of them exists only those are read. A `mode=max` export holds the whole chain, the stages it needs
 * included, and importing those stages' exports beside it made BuildKit miss at random (on the bed, Docker 28.5
 * containerd store, a fresh runner's build stage: 7 of 16 builds re-ran cached steps with both refs, 0 of 8 with
 * its own alone).
 */
export function pickSources(candidates: string[], pinned: Map<string, string>, max: number, own?: string[]): string[] {
  const read = own?.some((ref) => pinned.has(ref)) ? own : candidates;
  return read.flatMap((ref) => (pinned.has(ref) ? [pinned.get(ref) as string] : [])).slice(0, Math.max(0, max));
}
