// The content key: one digest over everything that decides a build's result. Pure: the caller hands in the
// context digest (hashContext) and the digests base images resolve to now (resolveBaseDigests).
import { createHash } from 'node:crypto';
import type { StageGraph } from '../dockerfile/types.js';

/** Bump when the key's recipe changes, so keys from older layerwise versions never match. */
export const CONTENT_KEY_VERSION = 'layerwise-content-key/v1';

export interface ContentKeyInput {
  dockerfile: string;
  /** From hashContext: kept context files, their modes and contents. */
  contextDigest: string;
  buildArgs: Record<string, string>;
  target?: string;
  platforms: string[];
  /** Every external image the needed stages read (FROM, COPY --from, RUN --mount from=) → the digest it resolves to. */
  baseDigests: Record<string, string>;
  /** Anything else the caller knows changes the result (e.g. secret ids, builder version). */
  extra?: Record<string, string>;
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function contentKey(input: ContentKeyInput): string {
  // JSON with sorted keys: unambiguous (no separator a value could forge) and independent of insertion order.
  const canonical = JSON.stringify([
    CONTENT_KEY_VERSION,
    createHash('sha256').update(input.dockerfile).digest('hex'),
    input.contextDigest,
    sorted(input.buildArgs),
    input.target ?? '',
    [...new Set(input.platforms)].sort(),
    sorted(input.baseDigests),
    sorted(input.extra ?? {}),
  ]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** External images the target's stages read: FROM bases and images named by COPY --from / RUN --mount from=. */
export function externalImages(graph: StageGraph): string[] {
  const needed = new Set(graph.needed);
  const refs = new Set<string>();
  for (const stage of graph.stages) {
    if (!needed.has(stage.name)) continue;
    if (stage.base.kind === 'image') refs.add(stage.base.ref);
    for (const use of stage.uses ?? []) if (use.image) refs.add(use.image);
  }
  return [...refs].sort();
}
