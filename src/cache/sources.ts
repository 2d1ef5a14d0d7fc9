// Cache sources for one stage build: the refs of the stage and of every stage it depends on
// (transitively), for each read scope. Inline caches are min-mode — a stage's image only carries its own
// layers — so a `COPY --from=deps` step needs deps' ref too. Pure.
import type { Stage, StageGraph } from '../dockerfile/types.js';
import type { CacheNamer } from './refs.js';

/** The tag name of a stage's cache: its `AS` name, or `stage-<index>` like BuildKit's progress output. */
export function cacheStageName(stage: Stage): string {
  return stage.named ? stage.name : `stage-${stage.index}`;
}

/** The stage and all stages it needs, the stage first, then its dependencies nearest first. */
export function stageWithDependencies(graph: StageGraph, name: string): Stage[] {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const out: Stage[] = [];
  const seen = new Set<string>();
  const queue = [name];
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i];
    if (seen.has(next)) continue;
    seen.add(next);
    const stage = byName.get(next);
    if (!stage) continue;
    out.push(stage);
    queue.push(...stage.dependsOn);
  }
  return out;
}

/**
 * Candidate `--cache-from` refs for building `stageName`, scope-major (every stage's own-scope ref before
 * any fallback) so that, after missing refs are dropped, a cap keeps the most specific ones. Only stages
 * that have a cache of their own are listed (`cached` says which).
 */
export function candidateCacheRefs(
  graph: StageGraph,
  stageName: string,
  name: CacheNamer,
  readScopes: string[],
  cached: (stage: Stage) => boolean = () => true,
  withFull = false,
): string[] {
  const stages = stageWithDependencies(graph, stageName).filter(cached);
  const refs: string[] = [];
  for (const scope of readScopes) {
    for (const stage of stages) refs.push(name(cacheStageName(stage), scope));
    // Inline mode: the last complete export, which still holds what a partly cached re-export dropped.
    if (withFull) for (const stage of stages) refs.push(name(cacheStageName(stage), scope, 'full'));
  }
  return [...new Set(refs)];
}
