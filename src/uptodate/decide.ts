// The up-to-date decision for one run: compute the content key, then look for an image carrying it. Every
// registry or context problem becomes a warning and "build" — skipping must never be a guess.
import { hashContext } from '../context/hash.js';
import type { RegistryClient } from '../registry/client.js';
import { resolveBaseDigests } from './bases.js';
import { contentKey } from './key.js';
import { findUpToDate, type UpToDateHit } from './lookup.js';

export interface UpToDateOptions {
  client: RegistryClient;
  contextDir: string;
  /** Dockerfile path on disk (as given to `docker build -f`): its `<Dockerfile>.dockerignore` applies. */
  dockerfile: string;
  /** The Dockerfile's text, as the pipeline read it (read once). */
  dockerfileText: string;
  /** External images the needed stages read on every target platform (uptodate/key.ts externalImages). */
  externalImages: string[];
  target?: string;
  buildArgs: Record<string, string>;
  /** Target platforms; empty means the host's, as docker build does. */
  platforms: string[];
  /** Where a previous result may be, most specific first (e.g. the final stage's cache refs by scope). */
  lookupRefs: string[];
  extra?: Record<string, string>;
}

export interface UpToDateDecision {
  /** Undefined when it could not be computed (see warnings): the run builds and writes no key. */
  key?: string;
  hit: UpToDateHit | null;
  contextDigest?: string;
  baseDigests: Record<string, string>;
  warnings: string[];
  /** Time the check itself took. */
  seconds: number;
}

/** The content key alone (for labelling the image a run builds). Throws on an unreadable context. */
export async function computeContentKey(opts: Omit<UpToDateOptions, 'lookupRefs'>): Promise<Pick<UpToDateDecision, 'key' | 'contextDigest' | 'baseDigests' | 'warnings'>> {
  const warnings: string[] = [];
  const [contextDigest, bases] = await Promise.all([
    hashContext(opts.contextDir, { dockerfile: opts.dockerfile }),
    resolveBaseDigests(opts.client, opts.externalImages),
  ]);
  for (const f of bases.failures) warnings.push(`up-to-date check off: base image ${f.ref} could not be resolved (${f.reason})`);
  if (bases.failures.length) return { contextDigest, baseDigests: bases.digests, warnings };
  const key = contentKey({
    dockerfile: opts.dockerfileText,
    contextDigest,
    buildArgs: opts.buildArgs,
    target: opts.target?.toLowerCase(),
    platforms: opts.platforms,
    baseDigests: bases.digests,
    extra: opts.extra,
  });
  return { key, contextDigest, baseDigests: bases.digests, warnings };
}

export async function decideUpToDate(opts: UpToDateOptions): Promise<UpToDateDecision> {
  const started = Date.now();
  const done = (d: Omit<UpToDateDecision, 'seconds'>): UpToDateDecision => ({ ...d, seconds: (Date.now() - started) / 1000 });
  const computed = await computeContentKey(opts);
  if (!computed.key) return done({ ...computed, hit: null });
  try {
    const hit = await findUpToDate(opts.client, opts.lookupRefs, computed.key, opts.platforms[0]);
    return done({ ...computed, hit });
  } catch (err) {
    return done({ ...computed, hit: null, warnings: [...computed.warnings, `up-to-date lookup failed, building: ${(err as Error).message}`] });
  }
}
