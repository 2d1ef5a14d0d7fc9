// Cache ref naming: `<cache-repo>:<stage>--<scope>`. Tags follow the OCI grammar
// `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`; repositories are lowercase. Pure.
import { createHash } from 'node:crypto';

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

export function cacheRef(repo: string, stage: string, scope: string, variant?: 'full'): string {
  return `${repo}:${cacheTag(stage, scope, variant)}`;
}

/** Names a stage's cache in a scope: a registry ref (`repo:tag`) or an Actions-cache scope. */
export type CacheNamer = (stage: string, scope: string, variant?: 'full') => string;

export function registryNamer(repo: string): CacheNamer {
  return (stage, scope, variant) => cacheRef(repo, stage, scope, variant);
}

/**
 * BuildKit's `type=gha` scope for a stage: `<image-key>/<stage>/<scope>`, so matrix images and stages never share an
 * index. BuildKit keys the index entry `index-<this>-…`; Actions-cache keys allow 512 characters.
 */
export function ghaScope(imageKey: string, stage: string, scope: string): string {
  return `${sanitizeTagPart(imageKey)}/${sanitizeTagPart(stage)}/${normaliseScope(scope)}`;
}

export function ghaNamer(imageKey: string): CacheNamer {
  return (stage, scope) => ghaScope(imageKey, stage, scope);
}
