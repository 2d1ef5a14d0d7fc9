// Which cache scopes a run reads and which one it writes, decided from the run context as data. Pure.
// Reads: own scope → PR base branch → default branch → user fallbacks. Writes: branches write their own
// scope; PRs write `pr-<n>` only when enabled; read-only contexts (fork PR, dependabot,
// pull_request_target) never write.
import type { CacheConfig } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import { branchScope, normaliseScope, prScope } from './refs.js';

export interface CachePolicy {
  /** The scope this run would write (also read first), when it has one. */
  ownScope?: string;
  /** Scopes read for `--cache-from`, most specific first, deduplicated. */
  readScopes: string[];
  /** The scope written, or undefined when this run writes nothing. */
  writeScope?: string;
  /** One line saying why the run writes (or not), for the log and the report. */
  reason: string;
}

function dedupe(items: (string | undefined)[]): string[] {
  return [...new Set(items.filter((s): s is string => Boolean(s)))];
}

export function decideCachePolicy(ctx: RunContext, cache: Pick<CacheConfig, 'scope' | 'fallbackScopes' | 'writePrScope'>): CachePolicy {
  const defaultScope = ctx.defaultBranch ? branchScope(ctx.defaultBranch) : undefined;
  const fallbacks = cache.fallbackScopes.map(normaliseScope);
  const explicit = cache.scope ? normaliseScope(cache.scope) : undefined;

  if (ctx.pr) {
    const own = explicit ?? prScope(ctx.pr.number);
    const readOwn = Boolean(explicit) || cache.writePrScope;
    const readScopes = dedupe([readOwn ? own : undefined, branchScope(ctx.pr.baseRef), defaultScope, ...fallbacks]);
    if (ctx.readOnly || ctx.fork) {
      return { ownScope: own, readScopes, reason: `read-only context (${describe(ctx)}): caches are read, never written` };
    }
    if (!cache.writePrScope && !explicit) {
      return { ownScope: own, readScopes, reason: `pull request #${ctx.pr.number}: reads base and default branch caches; writes ${own} only with write-pr-scope` };
    }
    return { ownScope: own, readScopes, writeScope: own, reason: `pull request #${ctx.pr.number}: writes ${own}` };
  }

  const own = explicit ?? (ctx.branch ? branchScope(ctx.branch) : undefined);
  // A merge queue run (and anything else with a base) falls back to the branch it merges into.
  const baseScope = ctx.baseBranch ? branchScope(ctx.baseBranch) : undefined;
  const readScopes = dedupe([own, baseScope, defaultScope, ...fallbacks]);
  if (ctx.readOnly) {
    return { ownScope: own, readScopes, reason: `read-only context (${describe(ctx)}): caches are read, never written` };
  }
  if (!own) {
    return { readScopes, reason: `${ctx.event} without a branch: reads the default branch cache, writes nothing` };
  }
  const who = explicit ? `scope ${own} (set explicitly)` : `branch ${ctx.branch}`;
  return { ownScope: own, readScopes, writeScope: own, reason: `${who}: writes ${own}` };
}

function describe(ctx: RunContext): string {
  if (ctx.event === 'pull_request_target') return 'pull_request_target';
  if (ctx.actor === 'dependabot[bot]') return 'dependabot';
  if (ctx.fork) return 'fork pull request';
  return `${ctx.event} with a read-only token`;
}
