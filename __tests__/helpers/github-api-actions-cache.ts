// The Actions-cache and branch endpoints of the local GitHub API fake (see github-api.ts): list caches (key-prefix
// and ref filters, pages), delete one by id, the repository's usage and storage limit, and the branch list.
// Responses follow GitHub's description; Prism in front checks both sides against it.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeActionsCache {
  id: number;
  repo: string; // owner/repo
  ref: string;
  key: string;
  sizeBytes: number;
  createdAt: string;
}

export interface ActionsCacheFakeState {
  actionsCaches: FakeActionsCache[];
  /** Branch names per owner/repo. */
  branches: Map<string, string[]>;
  /** `max_cache_size_gb` when the token may read it; undefined: 403, as for a GITHUB_TOKEN (it needs admin rights). */
  cacheLimitGb?: number;
  denyWrites?: number;
}

type Json = Record<string, unknown>;
export interface RouteTools {
  send(res: ServerResponse, status: number, body?: unknown, headers?: Record<string, string>): void;
  forbidden(res: ServerResponse, status: number): void;
  linkHeader(url: URL, page: number, perPage: number, total: number): string | undefined;
  status(s: number): void;
}

function cacheJson(c: FakeActionsCache): Json {
  return {
    id: c.id, ref: c.ref, key: c.key, version: 'a'.repeat(64), last_accessed_at: c.createdAt, created_at: c.createdAt, size_in_bytes: c.sizeBytes,
  };
}

/** Answers the request when it is one of these routes; false: not ours. */
export async function actionsCacheRoute(state: ActionsCacheFakeState, req: IncomingMessage, res: ServerResponse, url: URL, t: RouteTools): Promise<boolean> {
  const method = req.method ?? 'GET';
  const page = Number(url.searchParams.get('page') ?? '1');
  const perPage = Number(url.searchParams.get('per_page') ?? '30');
  const m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/(actions\/caches|actions\/caches\/(\d+)|actions\/cache\/usage|actions\/cache\/storage-limit|branches)$/);
  if (!m) return false;
  const repo = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`;
  const mine = state.actionsCaches.filter((c) => c.repo === repo);
  const reply = (status: number, body?: unknown, headers?: Record<string, string>) => (t.status(status), t.send(res, status, body, headers));
  if (m[3] === 'actions/caches' && method === 'GET') {
    const key = url.searchParams.get('key');
    const ref = url.searchParams.get('ref');
    const found = mine.filter((c) => (!key || c.key.startsWith(key)) && (!ref || c.ref === ref));
    const link = t.linkHeader(url, page, perPage, found.length);
    reply(200, { total_count: found.length, actions_caches: found.slice((page - 1) * perPage, page * perPage).map(cacheJson) }, link ? { link } : {});
    return true;
  }
  if (m[4] && method === 'DELETE') {
    if (state.denyWrites) return t.status(state.denyWrites), t.forbidden(res, state.denyWrites), true;
    const c = mine.find((x) => x.id === Number(m[4]));
    if (!c) return t.status(404), t.forbidden(res, 404), true;
    state.actionsCaches = state.actionsCaches.filter((x) => x !== c);
    reply(204);
    return true;
  }
  if (m[3] === 'actions/cache/usage' && method === 'GET') {
    reply(200, { full_name: repo, active_caches_size_in_bytes: mine.reduce((n, c) => n + c.sizeBytes, 0), active_caches_count: mine.length });
    return true;
  }
  if (m[3] === 'actions/cache/storage-limit' && method === 'GET') {
    if (state.cacheLimitGb === undefined) return t.status(403), t.forbidden(res, 403), true;
    reply(200, { max_cache_size_gb: state.cacheLimitGb });
    return true;
  }
  if (m[3] === 'branches' && method === 'GET') {
    const names = state.branches.get(repo) ?? [];
    const link = t.linkHeader(url, page, perPage, names.length);
    const branch = (name: string) => ({ name, commit: { sha: 'f'.repeat(40), url: `https://api.github.com/repos/${repo}/commits/${'f'.repeat(40)}` }, protected: false });
    reply(200, names.slice((page - 1) * perPage, page * perPage).map(branch), link ? { link } : {});
    return true;
  }
  return false;
}
