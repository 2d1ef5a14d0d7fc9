// A measured result stored beside its content key, for caches that carry no image to find the key on: the
// Actions cache (gha mode) and registry cache manifests (registry mode). A later run with the same inputs finds
// it and skips the build with a full report. What is read back is hostile input like any stored data: checked,
// and its digests (they become action outputs) must be digests. Pure.
import { InputError } from '../core/errors.js';
import { escapeKeyPart } from '../core/keys.js';
import type { ImageAnalysis } from '../image/types.js';
import { parseImageAnalysis } from '../report/untrusted.js';

export interface StoredResult {
  /** `sha256:…`: the inputs this image was built from. */
  contentKey: string;
  analysis: ImageAnalysis;
  imageId?: string;
  digest?: string;
  /** The commit whose run built it. */
  commit?: string;
  savedAt: string;
}

/** A store a run may read results from and, when it may write caches, save its own to. */
export interface ResultStore {
  /** For the log: `Actions cache`, `registry`. */
  name: string;
  /** The result for this key, or undefined; a store that fails says so through `warn` and misses. */
  find(contentKey: string, warn: (message: string) => void): Promise<{ result: StoredResult; where: string } | undefined>;
  save(result: StoredResult, warn: (message: string) => void): Promise<string | undefined>;
}

export const RESULT_KEY_PREFIX = 'layerwise-result-v1';
export const RESULT_MEDIA_TYPE = 'application/vnd.layerwise.result.v1+json';
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

const hex = (contentKey: string) => contentKey.replace(/^sha256:/, '');

/** Actions-cache key: per image key, then the content key (exact match only: no prefix ever matches another). */
export function resultCacheKey(imageKey: string, contentKey: string): string {
  return `${RESULT_KEY_PREFIX}-${escapeKeyPart(imageKey)}-${hex(contentKey)}`;
}

/** Tag in the cache repository: the content key alone (81 characters, under the 128 a tag allows). */
export function resultTag(contentKey: string): string {
  return `layerwise-result-${hex(contentKey)}`;
}

export function encodeResult(result: StoredResult): string {
  return JSON.stringify({ v: 1, ...result });
}

/** Reads a stored result back; throws an InputError naming `where` when it is malformed or for another key. */
export function decodeResult(text: string, contentKey: string, where: string): StoredResult {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new InputError(`${where}: not JSON`);
  }
  if (!json || typeof json !== 'object' || json.v !== 1) throw new InputError(`${where}: not a layerwise result (v1)`);
  if (json.contentKey !== contentKey) throw new InputError(`${where}: holds another content key`);
  const optional = (name: string, pattern: RegExp): string | undefined => {
    const value = json[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) throw new InputError(`${where}: ${name} is not what it should be (${pattern.source})`);
    return value;
  };
  const savedAt = typeof json.savedAt === 'string' && !Number.isNaN(Date.parse(json.savedAt)) ? new Date(json.savedAt).toISOString() : undefined;
  if (!savedAt) throw new InputError(`${where}: savedAt is not a date`);
  return {
    contentKey,
    analysis: parseImageAnalysis(json.analysis, where),
    ...optionalField('imageId', optional('imageId', DIGEST)),
    ...optionalField('digest', optional('digest', DIGEST)),
    ...optionalField('commit', optional('commit', COMMIT)),
    savedAt,
  };
}

function optionalField<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}
