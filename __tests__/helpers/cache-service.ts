// A local GitHub Actions cache service (v2) for tests, so @actions/cache runs unmodified: the Twirp JSON service
// `github.actions.results.api.v1.CacheService` under ACTIONS_RESULTS_URL (what @actions/cache 6 calls) plus
// Azurite as the blob store, handing out SAS URLs the Azure SDK uploads to and downloads from.
// Matching follows GitHub's rules: exact key first, then each restore key as a prefix, newest entry first, within
// the cache version (paths + compression) and the scopes this run may read.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dns from 'node:dns';
import { createHmac } from 'node:crypto';
import {
  BlobSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { freePort, listen } from './net.js';

const require = createRequire(import.meta.url);

// Azurite's well-known development account (public, documented by Microsoft).
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-cache';
const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  scope: string;
  blob: string;
  sizeBytes?: number;
  finalized: boolean;
  createdAt: number;
}

export interface CacheServiceState {
  entries: CacheEntry[];
  /** The ref this run writes to, e.g. `refs/heads/main`, `refs/pull/7/merge`. */
  writeScope: string;
  /** Refs this run may restore from (its own, the base branch, the default branch — as GitHub allows). */
  readScopes: string[];
  /** Answer every Twirp call with this HTTP status (e.g. 403 for a token without cache access). */
  failWith?: number;
  calls: string[];
}

export interface CacheService {
  /** ACTIONS_RESULTS_URL. */
  url: string;
  blobUrl: string;
  state: CacheServiceState;
  /**
   * Environment @actions/cache and buildx need to use this service (v2, results URL, a runtime token). Read it
   * after setting the state's scopes: the token lists them, as a runner's does, and BuildKit reads them from it.
   */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}



async function startAzurite(dir: string, firstPort?: number): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const bin = join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'blob', 'main.js');
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && firstPort ? firstPort : await freePort();
    let out = '';
    const child = spawn(
      process.execPath,
      [bin, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dir, '--disableTelemetry', '--skipApiVersionCheck', '--loose'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null && !/successfully listens/.test(out)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (/successfully listens/.test(out)) return { child, url: `http://127.0.0.1:${port}/${ACCOUNT}`, out: () => out };
    child.kill('SIGKILL');
    if (!/EADDRINUSE/.test(out)) throw new Error(`Azurite did not start:\n${out.slice(-2000)}`);
  }
  throw new Error('Azurite did not start: no free port after 3 attempts');
}

function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, msg }));
}

/**
 * A runtime token shaped like the runner's: a JWT whose `ac` claim lists the cache scopes with their permission
 * (1 read, 2 write). BuildKit's gha cache (go-actions-cache) reads its scopes, `exp` and `nbf` from it unverified;
 * @actions/cache only forwards it. Signed with a throwaway key: nothing here verifies it, as on a runner's client.
 */
function runtimeToken(state: Pick<CacheServiceState, 'readScopes' | 'writeScope'>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const scopes = [...new Set([state.writeScope, ...state.readScopes])].map((scope) => ({ Scope: scope, Permission: scope === state.writeScope ? 3 : 1 }));
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64({ ac: JSON.stringify(scopes), nbf: now - 60, exp: now + 6 * 3600, iss: 'vstoken.actions.githubusercontent.com' })}`;
  return `${body}.${createHmac('sha256', 'layerwise-test').update(body).digest('base64url')}`;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

/** Starts Azurite and the Twirp cache service. Once per suite; `close()` in afterAll. */
/**
 * Resolve `*.blob.core.windows.net` to 127.0.0.1 in this process — a hosts-file entry, nothing more — so SAS URLs
 * can carry Azure's host name and @actions/cache takes the same Azure SDK download path it takes on GitHub.
 * Returns the function that undoes it.
 */
export function routeAzureHostsToLoopback(): () => void {
  const original = dns.lookup;
  const patched = ((host: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === 'function' ? {} : options ?? {}) as { all?: boolean };
    if (!host.endsWith('.blob.core.windows.net')) return (original as (...a: unknown[]) => void)(host, options, callback);
    return opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  }) as typeof dns.lookup;
  dns.lookup = patched;
  return () => {
    dns.lookup = original;
  };
}

export async function startCacheService(
  opts: {
    /** Try this Azurite port first. */
    blobPort?: number;
    /** SAS URLs on `devstoreaccount1.blob.core.windows.net` (needs routeAzureHostsToLoopback in the client). */
    azureHostnames?: boolean;
  } = {},
): Promise<CacheService> {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-azurite-'));
  const azurite = await startAzurite(dir, opts.blobPort);
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const blobService = new BlobServiceClient(azurite.url, credential);
  await blobService.getContainerClient(CONTAINER).createIfNotExists();

  const state: CacheServiceState = { entries: [], writeScope: 'refs/heads/main', readScopes: ['refs/heads/main'], calls: [] };
  let nextId = 1;
  const sasUrl = (blob: string, perms: string): string => {
    const sas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, blobName: blob, permissions: BlobSASPermissions.parse(perms), expiresOn: new Date(Date.now() + 3_600_000) },
      credential,
    ).toString();
    const base = opts.azureHostnames ? azurite.url.replace('127.0.0.1', `${ACCOUNT}.blob.core.windows.net`).replace(`/${ACCOUNT}`, '') : azurite.url;
    return `${base}/${CONTAINER}/${blob}?${sas}`;
  };

  const server = createServer(async (req, res) => {
    const method = (req.url ?? '').startsWith(SERVICE) ? (req.url ?? '').slice(SERVICE.length) : '';
    state.calls.push(method || (req.url ?? ''));
    if (req.method !== 'POST' || !method) return twirpError(res, 404, 'bad_route', `no handler for ${req.method} ${req.url}`);
    if (!/^Bearer .+/.test(req.headers.authorization ?? '')) return twirpError(res, 401, 'unauthenticated', 'missing bearer token');
    if (state.failWith) return twirpError(res, state.failWith, 'permission_denied', 'cache access denied by the test');
    const body = await readJson(req);
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    const ok = (payload: Record<string, unknown>): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (method === 'CreateCacheEntry') {
      // Keys are immutable per scope and version, as on GitHub.
      const taken = state.entries.some((e) => e.key === key && e.version === version && e.scope === state.writeScope);
      if (taken) return ok({ ok: false, message: `cache entry ${key} already exists` });
      const entry: CacheEntry = {
        id: nextId++, key, version, scope: state.writeScope, blob: `entry-${Date.now()}-${nextId}`, finalized: false, createdAt: Date.now(),
      };
      state.entries.push(entry);
      return ok({ ok: true, signed_upload_url: sasUrl(entry.blob, 'cw') });
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = state.entries.find((e) => e.key === key && e.version === version && e.scope === state.writeScope && !e.finalized);
      if (!entry) return ok({ ok: false, message: `no pending upload for ${key}` });
      entry.finalized = true;
      entry.sizeBytes = Number(body.size_bytes ?? 0);
      entry.createdAt = Date.now();
      return ok({ ok: true, entry_id: String(entry.id) });
    }
    if (method === 'GetCacheEntryDownloadURL') {
      const visible = state.entries
        .filter((e) => e.finalized && e.version === version && state.readScopes.includes(e.scope))
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
      const hit = visible.find((e) => e.key === key) ?? restoreKeys.map((p) => visible.find((e) => e.key.startsWith(p))).find(Boolean);
      if (!hit) return ok({ ok: false });
      return ok({ ok: true, signed_download_url: sasUrl(hit.blob, 'r'), matched_key: hit.key });
    }
    return twirpError(res, 404, 'bad_route', `unknown method ${method}`);
  });
  const port = await listen(server);
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    blobUrl: azurite.url,
    state,
    get env() {
      return { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: runtimeToken(state) };
    },
    close: async () => {
      await new Promise((r) => server.close(r));
      azurite.child.kill('SIGTERM');
      await new Promise((r) => (azurite.child.exitCode !== null ? r(null) : azurite.child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
