// Decisions about the target stage's cache refs outside the build itself: where a previous result for the same
// inputs may be, which registry copy of the image just built holds its compressed sizes, and which ref is the
// base branch's image to compare with. Pure: plain config, graph and what the build wrote.
import type { Config } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import type { StageGraph } from '../dockerfile/types.js';
import { decideCachePolicy } from './policy.js';
import { branchScope, cacheRef } from './refs.js';
import { cacheStageName } from './sources.js';

/** What a build wrote, as far as these decisions need it (a BuildRecord fits). */
export interface WrittenCaches {
  mode: 'inline' | 'registry' | 'gha';
  digest?: string;
  stages: { name: string; cacheRef?: string; cacheWrite?: 'pushed' | 'unchanged' | 'failed' }[];
}

/** The target stage's cache image in a scope: it carries the content key, and a branch's is its registry baseline. */
export function targetCacheRef(config: Config, graph: StageGraph, scope: string): string | undefined {
  const target = graph.stages.find((s) => s.name === graph.target);
  if (!config.cache.repo || !target) return undefined;
  return cacheRef(config.cache.repo, cacheStageName(target), scope);
}

/**
 * Where an image with this run's content key may be: the target's inline cache image in each scope this run
 * reads (it carries the key), then the tags the run pushes. Registry-mode caches are cache manifests, not
 * images, so there only pushed tags can be found.
 */
export function upToDateRefs(config: Config, graph: StageGraph, ctx: RunContext): string[] {
  const inline = config.cache.mode === 'registry' || config.cache.mode === 'gha' ? [] : decideCachePolicy(ctx, config.cache).readScopes.map((scope) => targetCacheRef(config, graph, scope));
  return [...inline.filter((r): r is string => Boolean(r)), ...(config.build.push ? config.build.tags : [])];
}

/**
 * A registry copy of the image just built: the pushed final image, or the target's inline cache image (same
 * layers). Its manifest gives the exact compressed sizes a pull downloads, without gzipping every layer.
 */
export function pushedTwin(config: Config, graph: StageGraph, written: WrittenCaches | undefined): string | undefined {
  if (config.build.push && config.build.tags[0] && written?.digest) return config.build.tags[0];
  if (written?.mode !== 'inline') return undefined;
  const stage = written.stages.find((s) => s.name === graph.target);
  return stage?.cacheRef && (stage.cacheWrite === 'pushed' || stage.cacheWrite === 'unchanged') ? stage.cacheRef : undefined;
}

export function pushedByThisRun(written: WrittenCaches | undefined, ref: string): boolean {
  return Boolean(written?.stages.some((s) => s.cacheRef === ref && s.cacheWrite === 'pushed'));
}

/**
 * The base branch's final image in the cache registry, to compare with (inline caches only) — unless this run
 * just pushed that very ref (a branch run's own scope): then it holds this run's image, not a baseline.
 */
export function registryBaselineRef(config: Config, graph: StageGraph, branch: string, written: WrittenCaches | undefined): string | undefined {
  // Registry-mode caches are cache manifests, not images (and gha caches are not in the registry at all).
  if (config.cache.mode === 'registry' || config.cache.mode === 'gha' || (written && written.mode !== 'inline')) return undefined;
  const ref = targetCacheRef(config, graph, branchScope(branch));
  return ref && !pushedByThisRun(written, ref) ? ref : undefined;
}
