// Registry credentials and challenges. Credentials come from the Docker config the way `docker login` writes
// them (`$DOCKER_CONFIG/config.json`, else ~/.docker/config.json): `auths[host].auth` (base64 user:password)
// or `username`/`password`, and credential helpers (`credHelpers[host]`, `credsStore`) run as
// `docker-credential-<name> get`. Identity (OAuth refresh) tokens are not supported: such hosts are treated as
// anonymous and the caller is told why.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './ref.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string; // lower-case: basic, bearer
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header into challenges (RFC 7235): `Bearer realm="…",service="…",scope="a:b:pull,push"`.
 * Quoted values may contain commas; a token followed by a space and no `=` starts a new challenge.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  const re = /\s*(?:([A-Za-z][\w!#$%&'*+.^`|~-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))|([A-Za-z][\w!#$%&'*+.^`|~-]*))\s*,?/gy;
  let current: Challenge | undefined;
  let m: RegExpExecArray | null;
  while (re.lastIndex < header.length && (m = re.exec(header)) !== null) {
    if (m[0].length === 0) break;
    if (m[4] !== undefined) {
      current = { scheme: m[4].toLowerCase(), params: {} };
      challenges.push(current);
    } else if (current && m[1] !== undefined) {
      const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
      current.params[m[1].toLowerCase()] = value;
    }
  }
  return challenges;
}

/** Keys `docker login` may have used for a host: bare host, with scheme, Docker Hub's legacy v1 URL. */
function configKeysFor(registry: string): string[] {
  if (registry === DOCKER_HUB) {
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1'];
  }
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/`, `http://${registry}/`, `https://${registry}/v2/`];
}

function normaliseKey(key: string): string {
  return key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

function readDockerConfig(env: NodeJS.ProcessEnv): DockerConfig | undefined {
  try {
    return JSON.parse(readFileSync(dockerConfigPath(env), 'utf8')) as DockerConfig;
  } catch {
    return undefined; // no config (or unreadable): anonymous, as docker itself would be
  }
}

function runHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10_000, env: { ...process.env, ...env } }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!out.Username || !out.Secret || out.Username === '<token>') return resolve(undefined);
        resolve({ username: out.Username, password: out.Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin?.end(serverUrl);
  });
}

/** Credentials for a registry from the Docker config, or undefined (anonymous). `note` explains a skip. */
export async function dockerCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ credentials?: Credentials; note?: string }> {
  const config = readDockerConfig(env);
  if (!config) return {};
  const keys = configKeysFor(registry);
  const wanted = new Set(keys.map(normaliseKey));
  const helper =
    Object.entries(config.credHelpers ?? {}).find(([k]) => wanted.has(normaliseKey(k)))?.[1] ?? config.credsStore;
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (!wanted.has(normaliseKey(key))) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
    }
    if (entry.username && entry.password) return { credentials: { username: entry.username, password: entry.password } };
    if (entry.identitytoken && !helper) {
      return { note: `${registry}: the Docker config holds an identity token, which layerwise does not support; using anonymous access` };
    }
  }
  if (helper) {
    const credentials = await runHelper(helper, registry === DOCKER_HUB ? keys[0] : registry, env);
    if (credentials) return { credentials };
    return { note: `${registry}: credential helper docker-credential-${helper} gave no usable credentials; using anonymous access` };
  }
  return {};
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
