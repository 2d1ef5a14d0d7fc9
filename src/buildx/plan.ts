// The build plan: which `docker buildx build` runs, in which order, with which cache refs. Pure.
// Registry and gha modes: the image build comes first and solves every needed stage in one BuildKit session
// (independent stages in parallel, as a plain build does); the stage builds after it only export the caches of
// the stages it ran (see runner). Inline mode and `no-cache` runs build every needed named stage first, then the
// image from the builder's warm cache. Runs that write nothing need no stage builds but in inline mode.
import { CONTENT_KEY_LABEL, INTERMEDIATE_LABEL } from '../core/labels.js';
import type { CachePolicy } from '../cache/policy.js';
import { ghaNamer, registryNamer, type CacheNamer } from '../cache/refs.js';
import { candidateCacheRefs, cacheStageName } from '../cache/sources.js';
import type { BuildConfig } from '../config/types.js';
import type { Stage, StageGraph } from '../dockerfile/types.js';


export type ResolvedMode = 'inline' | 'registry' | 'gha';

export type BuildOutput =
  | { type: 'cache-image'; ref: string } // inline: the stage image carries its cache; pushed
  | { type: 'cacheonly' }
  | { type: 'load'; tags: string[] }
  | { type: 'push'; tags: string[] } // docker driver: also lands in the daemon
  | { type: 'push-and-load'; tags: string[] };

export interface PlannedBuild {
  kind: 'stage' | 'image';
  /** Graph stage name. */
  stage: string;
  /** `--target`; undefined for an unnamed last stage (it cannot be named on the command line). */
  target?: string;
  /** Refs to try as `--cache-from` before existence checks. */
  candidateSources: string[];
  /** Registry and gha modes: the stage's own refs, read alone when one exists (see pickSources). */
  ownSources?: string[];
  /** Registry and gha modes: `--cache-to type=<type>,…,mode=max`. Inline mode writes through the cache image output. */
  cacheTo?: { type: 'registry' | 'gha'; ref: string };
  /** The cache ref this build writes, either way. */
  writesCacheRef?: string;
  /**
   * Inline mode: a copy of the ref made when this build ran every step itself. Re-exporting an inline
   * cache from a partly cached build drops the records of the steps that came from imported cache before the
   * first re-run step (measured on the bed: those re-ran every other build; moby/buildkit#2274). Reading
   * the last complete export as well keeps them.
   */
  completeCopyRef?: string;
  output: BuildOutput;
  labels: Record<string, string>;
  noCache: 'all' | { filter: string } | 'none';
  provenance?: false;
}

export interface PlanInput {
  graph: StageGraph;
  build: BuildConfig;
  /** Registry and inline modes; undefined: caching is off. */
  cacheRepo?: string;
  /** Gha mode: the image key its Actions-cache scopes start with. */
  ghaKey?: string;
  mode: ResolvedMode;
  policy: CachePolicy;
  /** Buildx driver of the builder (`docker`, `docker-container`, `remote`, `kubernetes`). */
  driver: string;
  /** No image push either (fork PR, dependabot, pull_request_target). */
  readOnly: boolean;
  labels: Record<string, string>;
  contentKey?: string;
}

export interface BuildPlan {
  builds: PlannedBuild[];
  warnings: string[];
  /**
   * The image build is first and the stage builds after it are cache exports of what it solved: each runs only
   * when the image build ran a step of its stage (or its ref is new).
   */
  imageFirst?: boolean;
}

export function planBuilds(input: PlanInput): BuildPlan {
  const { graph, build, mode, policy } = input;
  const warnings: string[] = [];
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const targetStage = byName.get(graph.target);
  if (!targetStage) throw new Error(`stage graph has no target stage '${graph.target}'`);
  const targetArg = targetStage.named ? targetStage.name : undefined;
  const hasCache = (s: Stage) => s.named || s === targetStage;
  const cacheName = namerFor(input);
  const sourcesFor = (name: string) =>
    cacheName && !build.noCache ? candidateCacheRefs(graph, name, cacheName, policy.readScopes, hasCache, mode === 'inline') : [];
  const ownSourcesOf = (stage: Stage) =>
    mode !== 'inline' && cacheName && !build.noCache ? candidateCacheRefs(graph, stage.name, cacheName, policy.readScopes, (s) => s === stage) : undefined;

  const finalLabels = { ...input.labels, ...(input.contentKey ? { [CONTENT_KEY_LABEL]: input.contentKey } : {}) };
  const builds: PlannedBuild[] = [];
  const writeScope = cacheName ? policy.writeScope : undefined;

  // Inline mode: read-only runs (PRs, forks) build stage by stage too, writing nothing: one build importing every
  // stage's refs at once missed at random (on the bed, Docker 28.5 classic store: 4 of 30 read-only builds re-ran
  // cached steps), while stage builds that each import their own refs, after the stages they need were solved
  // from theirs, hit every time (0 of 18), as branch runs do. The price: one invocation per stage (~0.5 s each).
  // Registry and gha modes read the target's one mode=max export instead (image first, below).
  const readsStages = Boolean(cacheName) && !build.noCache && policy.readScopes.length > 0;
  const write = (stage: Stage) =>
    writeScope && cacheName
      ? { ref: cacheName(cacheStageName(stage), writeScope), completeRef: cacheName(cacheStageName(stage), writeScope, 'full') }
      : undefined;

  /** Registry and gha modes: the image build is the target's stage build too, reading and writing its cache. */
  const imageWithTargetCache = (noCache: PlannedBuild['noCache']): PlannedBuild => {
    const image = imageBuild(targetArg, targetStage.name, sourcesFor(targetStage.name), finalLabels, input, warnings, noCache);
    const own = ownSourcesOf(targetStage);
    const target = write(targetStage);
    return {
      ...image,
      ...(own ? { ownSources: own } : {}),
      ...(target && mode !== 'inline' ? { writesCacheRef: target.ref, cacheTo: { type: mode, ref: target.ref } } : {}),
    };
  };

  // Registry and gha modes read the target's own export (mode=max: every stage's steps) in the image build;
  // `no-cache` keeps stage builds first, so that each needed stage runs fresh before the image reads it.
  const imageFirst = mode !== 'inline' && Boolean(cacheName) && !build.noCache;
  if (imageFirst) {
    builds.push(imageWithTargetCache('none'));
    const stages = namedStages(graph, targetStage, warnings);
    // A run that writes nothing has nothing to export after the image build.
    if (writeScope) builds.push(...stages.map((stage) => stageBuild(stage, sourcesFor(stage.name), write(stage), mode, build, ownSourcesOf(stage))));
    return { builds: splitPushAndLoad(builds, input.driver), warnings, imageFirst: true };
  }
  if ((writeScope && cacheName) || readsStages) {
    for (const stage of namedStages(graph, targetStage, warnings)) builds.push(stageBuild(stage, sourcesFor(stage.name), write(stage), mode, build, ownSourcesOf(stage)));
    if (mode === 'inline') {
      // The target gets a stage build of its own: its cache image (pushed only when it changed, see runner) is
      // not the image the user asked for. The stage builds loaded their images, so the builder holds every layer
      // and the image build needs no import.
      const stageOfTarget = stageBuild(targetStage, sourcesFor(targetStage.name), write(targetStage), mode, build);
      if (input.contentKey && stageOfTarget.writesCacheRef) stageOfTarget.labels = { ...stageOfTarget.labels, [CONTENT_KEY_LABEL]: input.contentKey };
      builds.push(stageOfTarget, imageBuild(targetArg, targetStage.name, [], finalLabels, input, warnings, 'none'));
    } else {
      // Registry and gha modes: the image build is the target's stage build too. It reads what that build would
      // (the target's own export alone when there is one: cache-only stage builds leave imported layers in the
      // cache, and an image build without the import found no record of them and re-ran every step), and exports
      // the target's cache in a second, cache-only pass when a step ran (see runner): one `buildx build` fewer
      // on every run.
      builds.push(imageWithTargetCache(noCacheFor(targetStage, build)));
    }
  } else {
    builds.push(imageBuild(targetArg, targetStage.name, sourcesFor(targetStage.name), finalLabels, input, warnings, build.noCache ? 'all' : 'none'));
  }
  return { builds: splitPushAndLoad(builds, input.driver), warnings };
}

/** The needed stages other than the target that can be built alone (named), with a warning for each unnamed one. */
function namedStages(graph: StageGraph, targetStage: Stage, warnings: string[]): Stage[] {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  return graph.needed.flatMap((name) => {
    const stage = byName.get(name);
    if (!stage || stage === targetStage) return [];
    if (!stage.named) {
      warnings.push(
        `stage ${stage.index} (line ${stage.line}) has no name: it cannot be built alone, so its steps are cached only inside the stages that use it; add 'AS <name>'`,
      );
      return [];
    }
    return [stage];
  });
}

function namerFor(input: PlanInput): CacheNamer | undefined {
  if (input.mode === 'gha') return input.ghaKey ? ghaNamer(input.ghaKey) : undefined;
  return input.cacheRepo ? registryNamer(input.cacheRepo) : undefined;
}

function noCacheFor(stage: Stage, build: BuildConfig): PlannedBuild['noCache'] {
  if (!build.noCache) return 'none';
  // Earlier stage builds already ran their stages fresh; only this stage must skip the cache.
  return stage.named ? { filter: stage.name } : 'all';
}

/** A stage on its own, with its cache refs; `write` undefined: read only (nothing exported, nothing loaded). */
function stageBuild(
  stage: Stage, sources: string[], write: { ref: string; completeRef: string } | undefined, mode: ResolvedMode, build: BuildConfig, own?: string[],
): PlannedBuild {
  const inlineWrite = mode === 'inline' && write;
  return {
    kind: 'stage',
    stage: stage.name,
    target: stage.named ? stage.name : undefined,
    candidateSources: sources,
    ...(own ? { ownSources: own } : {}),
    ...(write ? { writesCacheRef: write.ref } : {}),
    ...(inlineWrite ? { completeCopyRef: write.completeRef } : {}),
    ...(mode !== 'inline' && write ? { cacheTo: { type: mode, ref: write.ref } } : {}),
    output: inlineWrite ? { type: 'cache-image', ref: write.ref } : { type: 'cacheonly' },
    labels: inlineWrite ? { [INTERMEDIATE_LABEL]: 'true' } : {},
    noCache: noCacheFor(stage, build),
    provenance: false,
  };
}

function imageBuild(
  target: string | undefined,
  stage: string,
  sources: string[],
  labels: Record<string, string>,
  input: PlanInput,
  warnings: string[],
  noCache: PlannedBuild['noCache'],
): PlannedBuild {
  const { build, readOnly } = input;
  let push = build.push;
  if (push && readOnly) {
    warnings.push('push skipped: read-only context (fork pull request, dependabot or pull_request_target)');
    push = false;
  }
  if (push && build.tags.length === 0) {
    warnings.push('push skipped: no image tags given');
    push = false;
  }
  const output: BuildOutput =
    push && build.load ? { type: 'push-and-load', tags: build.tags }
    : push ? { type: 'push', tags: build.tags }
    : build.load ? { type: 'load', tags: build.tags }
    : { type: 'cacheonly' };
  return { kind: 'image', stage, target, candidateSources: sources, output, labels, noCache };
}

/** The docker driver pushes from the daemon, so a push also loads; other drivers need a second (cached) build. */
function splitPushAndLoad(builds: PlannedBuild[], driver: string): PlannedBuild[] {
  return builds.flatMap((b) => {
    if (b.output.type !== 'push-and-load') return [b];
    if (driver === 'docker') return [{ ...b, output: { type: 'push', tags: b.output.tags } }];
    return [
      { ...b, output: { type: 'push', tags: b.output.tags } },
      { ...b, candidateSources: [], cacheTo: undefined, writesCacheRef: undefined, noCache: 'none', output: { type: 'load', tags: b.output.tags } },
    ];
  });
}
