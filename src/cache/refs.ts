// Cache ref naming: `<cache-repo>:<stage>--<scope>`. Tags follow the OCI grammar
// `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`; repositories are lowercase. Pure.
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';

export const MAX_TAG_LENGTH = 128;

/** Lowercase, invalid characters (`/`, spaces, …) to `-`, repeats collapsed, a valid first character. */
export function sanitizeTagPart(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/^refs\/(heads|tags)\//, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/[.-]+$/, '');
  return cleaned || 'x';
}

/** `br-<branch>`: the scope a branch build writes and others fall back to. */
export function branchScope(branch: string): string {
  return `br-${sanitizeTagPart(branch)}`;
}

export function prScope(prNumber: number): string {
  return `pr-${prNumber}`;
}

/** A user-given scope (`--scope`, `fallback-scopes`) as a tag part. */
export function normaliseScope(scope: string): string {
  return sanitizeTagPart(scope);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * `<stage>--<scope>` (`…--full`: the last inline cache exported by a build that ran every step itself),
 * cut to 128 characters with a short hash of the whole so cut tags stay distinct.
 */
export function cacheTag(stage: string, scope: string, variant?: 'full'): string {
  const full = `${sanitizeTagPart(stage)}--${normaliseScope(scope)}${variant ? `--${variant}` : ''}`;
  if (full.length <= MAX_TAG_LENGTH) return full;
  const hash = shortHash(full);
  return `${full.slice(0, MAX_TAG_LENGTH - hash.length - 1)}-${hash}`;
}

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

export function cacheRef(repo: string, stage: string, scope: string, variant?: 'full'): string {
  return `${repo}:${cacheTag(stage, scope, variant)}`;
}
