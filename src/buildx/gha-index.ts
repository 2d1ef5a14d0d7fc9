// Which BuildKit `type=gha` caches exist, asked of the Actions cache service before any build — as the registry
// is asked which cache refs exist — so the report says imported or missing, a stage reads its own cache alone
// when it has one, and an unchanged stage's cache is not re-exported. Speaks the cache service's v2 (Twirp)
// protocol the way BuildKit's client (tonistiigi/go-actions-cache) does; the runner's environment gives the
// service URL and token, as it does to buildx.
import { createHash } from 'node:crypto';
import type { CacheRefChecker } from './sources.js';

/** What buildx reads for `type=gha` on a runner (v2 service). */
export interface GhaRuntime {
  resultsUrl: string;
  token: string;
}

/** The runner's cache service, when this process has one (JavaScript actions do; `run:` steps do not). */
export function ghaRuntime(env: NodeJS.ProcessEnv): GhaRuntime | undefined {
  const v2 = /^(1|true)$/i.test(env.ACTIONS_CACHE_SERVICE_V2 ?? '');
  const resultsUrl = env.ACTIONS_RESULTS_URL;
  const token = env.ACTIONS_RUNTIME_TOKEN;
  return v2 && resultsUrl && token ? { resultsUrl, token } : undefined;
}

// BuildKit's gha cache: index entries are keyed `index-<scope>-<version>-<sha256(token scope)[:8]>` (its
// cache/remotecache/gha `version` is "1"), stored with go-actions-cache's fixed cache version.
const BUILDKIT_GHA_VERSION = '1';
const CLIENT_VERSION = createHash('sha256').update('|go-actionscache-1.0').digest('hex');
const SERVICE = 'twirp/github.actions.results.api.v1.CacheService/';

/** The cache scopes (refs) the runtime token grants, from its unverified `ac` claim, as BuildKit reads them. */
export function tokenCacheScopes(token: string): string[] {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { ac?: unknown };
    const list = JSON.parse(typeof claims.ac === 'string' ? claims.ac : '[]') as { Scope?: unknown }[];
    return list.map((s) => s.Scope).filter((s): s is string => typeof s === 'string');
  } catch {
    return [];
  }
}

export function ghaIndexKey(scope: string, tokenScope: string): string {
  return `index-${scope}-${BUILDKIT_GHA_VERSION}-${createHash('sha256').update(tokenScope).digest('hex').slice(0, 8)}`;
}

/** A CacheRefChecker over gha scopes: a scope "exists" when its index entry is visible to this run. */
export function ghaIndexChecker(runtime: GhaRuntime, timeoutMs = 10_000): CacheRefChecker {
  const tokenScopes = tokenCacheScopes(runtime.token);
  const url = `${runtime.resultsUrl.replace(/\/+$/, '')}/${SERVICE}GetCacheEntryDownloadURL`;
  const lookup = async (key: string): Promise<string | null> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${runtime.token}` },
      body: JSON.stringify({ key, restore_keys: [key], version: CLIENT_VERSION }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`Actions cache service answered HTTP ${res.status} for ${key}`);
    const body = (await res.json()) as { ok?: unknown; matched_key?: unknown };
    return body.ok === true ? String(body.matched_key ?? key) : null;
  };
  return {
    label: 'Actions cache',
    pin: (ref) => ref, // a scope cannot be pinned; BuildKit reads its newest index entry
    async headManifest(scope) {
      for (const tokenScope of tokenScopes) {
        const matched = await lookup(ghaIndexKey(scope, tokenScope));
        if (matched) return { digest: matched };
      }
      return null;
    },
  };
}
