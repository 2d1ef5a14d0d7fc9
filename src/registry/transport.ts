// One authenticated HTTP exchange with a registry: picks http/https, answers 401 challenges (Basic, or the
// Bearer token flow from WWW-Authenticate realm/service/scope), caches tokens per scope, follows redirects by
// hand so an Authorization header never leaves the registry's origin (blob redirects go to S3/CDNs).
import { basicAuthorization, dockerCredentials, parseWwwAuthenticate, type Challenge, type Credentials } from './auth.js';
import { quoteUntrusted } from '../core/errors.js';
import { RegistryError } from './errors.js';
import { apiHost, isLoopbackHost } from './ref.js';
import { DEFAULT_STALL, StallWatchdog, watchedResponse, watchedUpload, type StallLimits } from './stall.js';

export interface TransportOptions {
  /** Extra hosts (host[:port]) spoken to over plain http. Loopback hosts always are. */
  insecureRegistries?: string[];
  /** Environment for DOCKER_CONFIG / HOME. */
  env?: NodeJS.ProcessEnv;
  /** Explicit credentials (e.g. action inputs); they win over the Docker config. */
  credentials?: (registry: string) => Credentials | undefined;
  /** Per-request timeout for metadata calls (manifests, tags, tokens). Blob bodies have none. */
  timeoutMs?: number;
  /**
   * Every request, blobs included: a window of waiting on the network that brings less than the minimum
   * throughput aborts it (default 60 s, 1 KiB/s). Lowered by tests.
   */
  stall?: Partial<StallLimits>;
  userAgent?: string;
  /** Retries for GET/HEAD on transient failures (default 2). */
  retries?: number;
  /** Receives non-fatal notes (skipped credential sources). */
  warn?: (message: string) => void;
}

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  registry: string;
  /** Path under the registry origin (`/v2/…`) or an absolute URL (pagination links, upload locations). */
  path: string;
  /** Repository the call acts on, for the token scope. */
  repository: string;
  actions: string; // token scope actions: pull | pull,push | delete
  headers?: Record<string, string>;
  body?: Buffer | AsyncIterable<Uint8Array>;
  /** No total timeout (blob downloads/uploads of any size); the stall limits still apply. */
  streaming?: boolean;
}

interface HostAuth {
  challenge?: Challenge;
  credentials?: Credentials | null; // null: looked up, none
  tokens: Map<string, { token: string; expires: number }>;
}

const MAX_REDIRECTS = 5;

export class RegistryTransport {
  private readonly hosts = new Map<string, HostAuth>();
  constructor(private readonly options: TransportOptions = {}) {}

  baseUrl(registry: string): string {
    const insecure = isLoopbackHost(registry) || (this.options.insecureRegistries ?? []).includes(registry);
    return `${insecure ? 'http' : 'https'}://${apiHost(registry)}`;
  }

  async request(spec: RequestSpec): Promise<Response> {
    const url = new URL(spec.path, this.baseUrl(spec.registry)).toString();
    const auth = this.hostAuth(spec.registry);
    let authorization = await this.authorizationFor(spec, auth, false);
    let res = await this.send(spec, url, authorization);
    if (res.status === 401) {
      const header = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel();
      const challenge = parseWwwAuthenticate(header).find((c) => c.scheme === 'bearer' || c.scheme === 'basic');
      if (!challenge) throw this.error(spec, 401, 'UNAUTHORIZED', 'authentication required and no usable WWW-Authenticate challenge');
      auth.challenge = challenge;
      // A streamed body cannot be sent twice; callers authenticate first with a bodiless call (upload start).
      if (spec.body && !Buffer.isBuffer(spec.body)) throw this.error(spec, 401, 'UNAUTHORIZED', 'authentication required');
      authorization = await this.authorizationFor(spec, auth, true, challenge.params.scope);
      if (!authorization) {
        throw this.error(spec, 401, 'UNAUTHORIZED', `authentication required; no credentials for ${spec.registry} (run docker login)`);
      }
      res = await this.send(spec, url, authorization);
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw this.error(spec, 401, 'UNAUTHORIZED', `credentials for ${spec.registry} were rejected`);
    }
    return res;
  }

  /** A RegistryError for a failed response, with the registry's own error code and message when it sent JSON. */
  async failure(spec: RequestSpec, res: Response): Promise<RegistryError> {
    let code: string | undefined;
    let reason = res.statusText || 'request failed';
    try {
      const text = (await bodyPrefix(res, 64 << 10)).bytes.toString('utf8').slice(0, 4096); // an error body can be anything, of any size
      const first = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
      if (first?.code) code = String(first.code);
      if (first?.message) reason = String(first.message);
    } catch {
      // not JSON: keep the status text
    }
    return this.error(spec, res.status, code, reason);
  }

  error(spec: RequestSpec, status: number, code: string | undefined, reason: string): RegistryError {
    const where = spec.path.startsWith('/') ? spec.path.replace(/\?.*$/, '') : `/v2/${spec.repository}/…`;
    const line = `registry ${spec.registry}: ${spec.method} ${where} → ${status || 'no answer'}${code ? ` ${code}` : ''}: ${reason}`;
    return new RegistryError(quoteUntrusted(line.replace(/\s+/g, ' '), 400), { status, registry: spec.registry, code });
  }

  private hostAuth(registry: string): HostAuth {
    let auth = this.hosts.get(registry);
    if (!auth) this.hosts.set(registry, (auth = { tokens: new Map() }));
    return auth;
  }

  private async credentials(registry: string, auth: HostAuth): Promise<Credentials | undefined> {
    if (auth.credentials === undefined) {
      const explicit = this.options.credentials?.(registry);
      if (explicit) auth.credentials = explicit;
      else {
        const found = await dockerCredentials(registry, this.options.env ?? process.env);
        if (found.note) this.options.warn?.(found.note);
        auth.credentials = found.credentials ?? null;
      }
    }
    return auth.credentials ?? undefined;
  }

  private async authorizationFor(spec: RequestSpec, auth: HostAuth, fresh: boolean, challengeScope?: string): Promise<string | undefined> {
    const challenge = auth.challenge;
    if (!challenge) return undefined; // first call: learn the scheme from the registry's answer
    const creds = await this.credentials(spec.registry, auth);
    if (challenge.scheme === 'basic') return creds ? basicAuthorization(creds) : undefined;
    const scope = challengeScope || `repository:${spec.repository}:${spec.actions}`;
    const cached = auth.tokens.get(scope);
    if (cached && !fresh && cached.expires > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(spec, challenge, scope, creds);
    auth.tokens.set(scope, token);
    // Remember it under the computed scope too, so later calls send it without a 401 round-trip.
    auth.tokens.set(`repository:${spec.repository}:${spec.actions}`, token);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(spec: RequestSpec, challenge: Challenge, scope: string, creds?: Credentials): Promise<{ token: string; expires: number }> {
    const realm = challenge.params.realm;
    if (!realm) throw this.error(spec, 401, 'UNAUTHORIZED', 'Bearer challenge without a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw this.error(spec, 401, 'UNAUTHORIZED', `Bearer challenge realm is not a URL`);
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'layerwise' };
    if (creds) headers.authorization = basicAuthorization(creds);
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (err) {
      throw this.error(spec, 0, undefined, `token service ${url.host} did not answer (${causeOf(err)})`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      const why = res.status === 401 || res.status === 403 ? (creds ? 'credentials rejected by the token service' : 'anonymous access refused') : 'token request failed';
      throw this.error(spec, res.status, 'UNAUTHORIZED', why);
    }
    const raw = await bodyPrefix(res, MAX_TOKEN_RESPONSE).catch(() => undefined);
    if (raw && !raw.complete) throw this.error(spec, res.status, 'UNAUTHORIZED', `token service answered with more than ${MAX_TOKEN_RESPONSE} bytes`);
    let body: { token?: string; access_token?: string; expires_in?: number } = {};
    try {
      body = JSON.parse(raw?.bytes.toString('utf8') ?? '{}') as typeof body;
    } catch {
      // not JSON: no token, said below
    }
    const token = body.token ?? body.access_token;
    if (!token) throw this.error(spec, 401, 'UNAUTHORIZED', 'token service answered without a token');
    // Refresh a little early; registries default to 60 s when they do not say.
    const seconds = Math.max(10, Number(body.expires_in) || 60);
    return { token, expires: Date.now() + (seconds - 5) * 1000 };
  }

  private async send(spec: RequestSpec, url: string, authorization: string | undefined): Promise<Response> {
    const origin = new URL(url).origin;
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent ?? 'layerwise', ...spec.headers };
      if (authorization && new URL(current).origin === origin) headers.authorization = authorization;
      const init = (dog: StallWatchdog): RequestInit & { duplex?: 'half' } => {
        const i: RequestInit & { duplex?: 'half' } = { method: spec.method, headers, redirect: 'manual' };
        if (spec.body && hop === 0) {
          // Small buffers go as they are; anything that may take a while goes in pieces the watchdog sees.
          if (Buffer.isBuffer(spec.body) && spec.body.length <= 1 << 20) i.body = spec.body;
          else {
            i.body = watchedUpload(spec.body, dog) as unknown as NonNullable<RequestInit['body']>;
            i.duplex = 'half';
          }
        }
        i.signal = spec.streaming ? dog.signal : AbortSignal.any([dog.signal, AbortSignal.timeout(this.options.timeoutMs ?? 30_000)]);
        return i;
      };
      const res = await this.fetchWithRetry(spec, current, init);
      const location = res.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(res.status) || !location || spec.method === 'PUT' || spec.method === 'POST' || spec.method === 'PATCH') {
        return res;
      }
      await res.body?.cancel();
      current = new URL(location, current).toString();
    }
    throw this.error(spec, 0, undefined, `more than ${MAX_REDIRECTS} redirects`);
  }

  /** GET and HEAD are retried on transient trouble (429, 502–504, reset or timed-out connections), honouring Retry-After. */
  private async fetchWithRetry(spec: RequestSpec, url: string, init: (dog: StallWatchdog) => RequestInit): Promise<Response> {
    const retries = spec.method === 'GET' || spec.method === 'HEAD' ? (this.options.retries ?? 2) : 0;
    const limits = { ...DEFAULT_STALL, ...this.options.stall };
    for (let attempt = 0; ; attempt++) {
      const wait = (retryAfter?: string | null) =>
        new Promise((r) => setTimeout(r, Math.min(10_000, Number(retryAfter) > 0 ? Number(retryAfter) * 1000 : 500 * 3 ** attempt)));
      const dog = new StallWatchdog(limits);
      try {
        dog.waiting();
        const res = await fetch(url, init(dog));
        if (attempt < retries && RETRY_STATUS.has(res.status)) {
          dog.stop();
          await res.body?.cancel();
          await wait(res.headers.get('retry-after'));
          continue;
        }
        return watchedResponse(res, dog, (reason) => this.error(spec, res.status, undefined, reason));
      } catch (err) {
        dog.stop();
        // A registry that stalls is not retried: waiting another window would only double the hang.
        if (dog.stalled) throw this.error(spec, 0, undefined, `${new URL(url).host} ${dog.stalled}`);
        const cause = causeOf(err);
        if (attempt < retries && TRANSIENT.has(cause)) {
          await wait();
          continue;
        }
        throw this.error(spec, 0, undefined, `cannot reach ${new URL(url).host} (${cause})`);
      }
    }
  }
}

/** Token responses are a few kilobytes; a realm pointing at something huge is refused, not buffered. */
const MAX_TOKEN_RESPONSE = 1 << 20;

/** At most `limit` bytes of a body, then the rest is cancelled unread. `complete` says whether it all fit. */
export async function bodyPrefix(res: Response, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  if (!res.body) return { bytes: Buffer.alloc(0), complete: true };
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks), complete: true };
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      total += value.byteLength;
      if (total > limit) return { bytes: Buffer.concat(chunks).subarray(0, limit), complete: false };
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'timed out']);

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; name?: string; message?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
