// A local GitHub REST API for tests: Prism (`prism proxy --errors`) with GitHub's own OpenAPI description from
// @octokit/openapi in front of a small stateful fake of the endpoints layerwise calls. Prism validates every
// request (paths, query, bodies) and every response of the fake against GitHub's spec and turns a violation into
// an error response, so a test passes only when both sides speak GitHub's API as documented.
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionsCacheRoute, type ActionsCacheFakeState, type FakeActionsCache } from './github-api-actions-cache.js';
import { freePort, listen } from './net.js';

const require = createRequire(import.meta.url);

/** The paths layerwise uses; the trimmed description keeps these and every component they reference. */
export const GITHUB_PATHS = [
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/comments/{comment_id}',
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
  '/repos/{owner}/{repo}/branches',
  '/repos/{owner}/{repo}/actions/caches',
  '/repos/{owner}/{repo}/actions/caches/{cache_id}',
  '/repos/{owner}/{repo}/actions/cache/usage',
  '/repos/{owner}/{repo}/actions/cache/storage-limit',
];

type Json = Record<string, unknown>;

/** GitHub's description reduced to `paths` and the components they reach (Prism starts in ~2 s, not ~15 s). */
export function trimmedGitHubSpec(paths = GITHUB_PATHS): Json {
  const full = require('@octokit/openapi/generated/api.github.com.json') as Json & { paths: Json; components: Json };
  const components: Record<string, Json> = {};
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') && !seen.has(v)) {
        seen.add(v);
        const [, , kind, name] = v.split('/');
        const target = (full.components[kind] as Json)[name];
        ((components[kind] ??= {}) as Json)[name] = target;
        walk(target);
      } else walk(v);
    }
  };
  const kept: Json = {};
  for (const p of paths) {
    if (!full.paths[p]) throw new Error(`GitHub's description has no path ${p}`);
    kept[p] = full.paths[p];
  }
  walk(kept);
  return { ...full, paths: kept, components, webhooks: undefined, 'x-webhooks': undefined };
}

export interface FakeUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}
export interface FakeComment {
  id: number;
  issue: string; // owner/repo#n
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
}
export interface FakePull {
  repo: string; // base owner/repo
  number: number;
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  state: 'open' | 'closed';
}
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

const BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** State of the fake; tests seed and inspect it directly. */
export class FakeGitHubState implements ActionsCacheFakeState {
  comments: FakeComment[] = [];
  actionsCaches: FakeActionsCache[] = [];
  branches = new Map<string, string[]>();
  cacheLimitGb?: number;
  pulls: FakePull[] = [];
  /** Who the token belongs to (the author of what it creates). */
  tokenUser: FakeUser = BOT;
  /** Answer writes (POST/PATCH/DELETE) with this status, as GitHub does for a read-only token (403). */
  denyWrites?: number;
  /** Repositories the token cannot see: GitHub answers 404. */
  hiddenRepos = new Set<string>();
  log: LoggedRequest[] = [];
  private nextId = 1000;

  seedComment(issue: string, body: string, user: FakeUser = BOT): FakeComment {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, this.nextId % 60)).toISOString().replace('.000', '');
    const c = { id: this.nextId++, issue, body, user, createdAt: now, updatedAt: now };
    this.comments.push(c);
    return c;
  }
  commentsOn(issue: string): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }
  reset(): void {
    this.comments = [];
    this.pulls = [];
    this.actionsCaches = [];
    this.branches.clear();
    this.cacheLimitGb = undefined;
    this.tokenUser = BOT;
    this.denyWrites = undefined;
    this.hiddenRepos.clear();
    this.log = [];
  }
}

function userJson(u: FakeUser, origin: string): Json {
  const api = `${origin}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login, id: u.id, node_id: Buffer.from(`04:User${u.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`, gravatar_id: '', url: api,
    html_url: `https://github.com/${encodeURIComponent(u.login)}`, followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`, gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`, type: u.type, site_admin: false,
  };
}

function commentJson(c: FakeComment, origin: string): Json {
  const [repo, n] = c.issue.split('#');
  return {
    id: c.id, node_id: Buffer.from(`012:IssueComment${c.id}`).toString('base64'),
    url: `${origin}/repos/${repo}/issues/comments/${c.id}`,
    html_url: `https://github.com/${repo}/pull/${n}#issuecomment-${c.id}`,
    body: c.body, user: userJson(c.user, origin), created_at: c.createdAt, updated_at: c.updatedAt,
    issue_url: `${origin}/repos/${repo}/issues/${n}`, author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
  };
}

/** A pull-request-simple built from GitHub's own example in the description, with our fields set. */
function pullJson(p: FakePull): Json {
  const spec = require('@octokit/openapi/generated/api.github.com.json') as { components: { examples: Json } };
  const example = structuredClone((spec.components.examples['pull-request-simple'] as { value: Json }).value) as Json & {
    head: Json & { repo: Json; user: Json }; base: Json & { repo: Json };
  };
  // GitHub's example breaks its own schema here (requested_teams[].type missing): start from empty lists.
  example.requested_teams = [];
  example.requested_reviewers = [];
  example.number = p.number;
  example.id = 1_000_000 + p.number;
  example.state = p.state;
  example.head.ref = p.headRef;
  example.head.sha = p.headSha;
  example.head.label = `${p.headRepo.split('/')[0]}:${p.headRef}`;
  example.head.repo = { ...example.head.repo, full_name: p.headRepo, name: p.headRepo.split('/')[1] };
  example.base.ref = p.baseRef;
  example.base.repo = { ...example.base.repo, full_name: p.repo, name: p.repo.split('/')[1] };
  return example;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Json) : {};
}

function forbidden(res: ServerResponse, status: number): void {
  send(res, status, {
    message: status === 403 ? 'Resource not accessible by integration' : 'Not Found',
    documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    status: String(status),
  });
}

/** Link header for page `page` of `total` items, as GitHub writes it (next/last/prev/first). */
function linkHeader(url: URL, page: number, perPage: number, total: number): string | undefined {
  const last = Math.max(1, Math.ceil(total / perPage));
  const at = (p: number): string => {
    const u = new URL(url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `<${u}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${at(page - 1)}; rel="prev"`);
  if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) parts.push(`${at(1)}; rel="first"`);
  return parts.length ? parts.join(', ') : undefined;
}

function handler(state: FakeGitHubState, publicOrigin: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = publicOrigin();
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const status = (s: number): void => void state.log.push({ method, path: url.pathname + url.search, status: s });
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '30');
    let m: RegExpMatchArray | null;
    try {
      const repoOf = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\//);
      if (repoOf && state.hiddenRepos.has(`${decodeURIComponent(repoOf[1])}/${decodeURIComponent(repoOf[2])}`)) {
        return status(404), forbidden(res, 404);
      }
      if (await actionsCacheRoute(state, req, res, url, { send, forbidden, linkHeader, status })) return;
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
        const issue = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}#${m[3]}`;
        if (method === 'GET') {
          const all = state.commentsOn(issue);
          const slice = all.slice((page - 1) * perPage, page * perPage);
          const link = linkHeader(url, page, perPage, all.length);
          status(200);
          return send(res, 200, slice.map((c) => commentJson(c, origin)), link ? { link } : {});
        }
        if (method === 'POST') {
          if (state.denyWrites) return status(state.denyWrites), forbidden(res, state.denyWrites);
          const body = await readBody(req);
          const c = state.seedComment(issue, String(body.body), state.tokenUser);
          status(201);
          return send(res, 201, commentJson(c, origin), { location: `${origin}/repos/${issue.split('#')[0]}/issues/comments/${c.id}` });
        }
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/))) {
        const c = state.comments.find((x) => x.id === Number(m![3]));
        if (!c) return status(404), forbidden(res, 404);
        if (method === 'GET') return status(200), send(res, 200, commentJson(c, origin));
        if (state.denyWrites) return status(state.denyWrites), forbidden(res, state.denyWrites);
        if (method === 'PATCH') {
          c.body = String((await readBody(req)).body);
          c.updatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          return status(200), send(res, 200, commentJson(c, origin));
        }
        if (method === 'DELETE') {
          state.comments = state.comments.filter((x) => x !== c);
          return status(204), send(res, 204);
        }
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls$/)) && method === 'GET') {
        const repo = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`;
        const head = url.searchParams.get('head');
        const wantState = url.searchParams.get('state') ?? 'open';
        const found = state.pulls.filter(
          (p) =>
            p.repo === repo &&
            (wantState === 'all' || p.state === wantState) &&
            (!head || head === `${p.headRepo.split('/')[0]}:${p.headRef}`),
        );
        status(200);
        return send(res, 200, found.slice((page - 1) * perPage, page * perPage).map(pullJson));
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]+)\/pulls$/)) && method === 'GET') {
        const repo = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`;
        // GitHub lists only PRs whose head commit lives in this repository (not fork PRs).
        const found = state.pulls.filter((p) => p.repo === repo && p.headSha === m![3] && p.headRepo === repo);
        status(200);
        return send(res, 200, found.map(pullJson));
      }
      status(404);
      forbidden(res, 404);
    } catch (err) {
      status(500);
      send(res, 500, { message: (err as Error).message });
    }
  };
}

export interface GitHubApi {
  /** Base URL for Octokit / GITHUB_API_URL: Prism, validating against GitHub's description. */
  url: string;
  /** The fake behind Prism (unvalidated; for checks only). */
  fakeUrl: string;
  state: FakeGitHubState;
  /** Prism's output, for a failing test's message. */
  prismLog(): string;
  close(): Promise<void>;
}



async function waitForPrism(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    if (/Prism is listening/.test(output())) {
      try {
        await fetch(`${url}/repos/o/r/issues/comments/1`);
        return true;
      } catch {
        /* not yet */
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * Starts the fake and Prism in front of it. Start once per suite (beforeAll); `close()` in afterAll.
 * `fullSpec` (or LAYERWISE_PRISM_FULL_SPEC=1) loads the whole 13 MB description instead of the trimmed copy.
 */
export async function startGitHubApi(opts: { fullSpec?: boolean; /** Try this port first. */ port?: number } = {}): Promise<GitHubApi> {
  opts = { fullSpec: process.env.LAYERWISE_PRISM_FULL_SPEC === '1', ...opts };
  const state = new FakeGitHubState();
  let prismUrl = '';
  const fake = createServer(handler(state, () => prismUrl));
  const fakePort = await listen(fake);
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-prism-'));
  const specPath = opts.fullSpec
    ? require.resolve('@octokit/openapi/generated/api.github.com.json')
    : join(dir, 'github-trimmed.json');
  if (!opts.fullSpec) writeFileSync(specPath, JSON.stringify(trimmedGitHubSpec()));
  const prismBin = require.resolve('@stoplight/prism-cli/dist/index.js');
  // A port picked free can be taken before Prism binds it: retry with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && opts.port ? opts.port : await freePort();
    prismUrl = `http://127.0.0.1:${port}`;
    let out = '';
    const child = spawn(
      process.execPath,
      [prismBin, 'proxy', specPath, `http://127.0.0.1:${fakePort}`, '--errors', '-h', '127.0.0.1', '-p', String(port)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    if (await waitForPrism(prismUrl, child, () => out, opts.fullSpec ? 90_000 : 30_000)) {
      state.log = []; // forget the readiness probe
      return {
        url: prismUrl,
        fakeUrl: `http://127.0.0.1:${fakePort}`,
        state,
        prismLog: () => out,
        close: async () => {
          child.kill('SIGTERM');
          await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
          await new Promise((r) => fake.close(r));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    if (!/EADDRINUSE/.test(out)) {
      fake.close();
      throw new Error(`Prism did not start:\n${out.slice(-2000)}`);
    }
  }
  fake.close();
  throw new Error('Prism did not start: no free port after 3 attempts');
}

/**
 * One API server per suite (Prism takes seconds to start), its state reset before each test. The server is
 * handed to `set` once started, so suites keep a plain `let api` binding.
 */
export function useGitHubApi(set: (api: GitHubApi) => void): void {
  let api: GitHubApi | undefined;
  beforeAll(async () => {
    api = await startGitHubApi();
    set(api);
  }, 120_000);
  afterAll(async () => api?.close());
  beforeEach(() => api?.state.reset());
}
