// Repository names as the distribution reference grammar allows them: host[:port]/path, lowercase path
// components. Cache repositories are validated here, where the config reader and the cache code both meet them.
import { InputError } from './errors.js';

// host[:port]/path with lowercase path components (distribution's reference grammar).
const REPO_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;

/**
 * Validates and lowercases a cache repository (`ghcr.io/Acme/App-buildcache` → `ghcr.io/acme/app-buildcache`).
 * `where` names the input or flag for the error message.
 */
export function normaliseCacheRepo(repo: string, where: string): string {
  const trimmed = repo.trim();
  const parts = trimmed.split('/');
  const hasHost = parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost');
  const host = hasHost ? parts[0].toLowerCase() : undefined;
  const path = (hasHost ? parts.slice(1) : parts).map((p) => p.toLowerCase());
  if (trimmed.includes('@') || path.some((p) => p.includes(':'))) {
    throw new InputError(`${where}: expected a repository without tag or digest (e.g. ghcr.io/acme/app-buildcache), got '${repo}'`);
  }
  if ((host && !HOST.test(host)) || path.length === 0 || !path.every((p) => REPO_COMPONENT.test(p))) {
    throw new InputError(
      `${where}: '${repo}' is not a valid repository (expected [host[:port]/]name[/name…] with lowercase letters, digits, '.', '_', '-')`,
    );
  }
  return [host, ...path].filter(Boolean).join('/');
}

/** Default cache repository for an image ref: its repository plus `-buildcache` (tag and digest dropped). */
export function defaultCacheRepo(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  return normaliseCacheRepo(`${repo}-buildcache`, `image '${image}'`);
}
