// The real outside world behind PipelineIO: files, `docker buildx build`, the daemon, the registry and the
// baseline stores. Thin: each method hands over to the module that owns the work.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { findBaseline } from '../baseline/find.js';
import { registryBaselineStore } from '../baseline/registry-store.js';
import type { Baseline } from '../compare/types.js';
import type { BaselineKey, BaselineStore, WritableBaselineStore } from '../baseline/types.js';
import { buildWithStageCaches } from '../buildx/build.js';
import type { Exec } from '../buildx/exec.js';
import type { BuildRecord } from '../buildx/types.js';
import { decideCachePolicy } from '../cache/policy.js';
import { cacheRef, branchScope, normaliseCacheRepo } from '../cache/refs.js';
import { cacheStageName } from '../cache/sources.js';
import { InputError } from '../core/errors.js';
import type { Config } from '../config/types.js';
import type { StageGraph } from '../dockerfile/types.js';
import { analyzeImage } from '../image/analyze.js';
import { daemonImage, dockerClient, registryImage, registryLayerSizes } from '../image/sources.js';
import type { ImageAnalysis } from '../image/types.js';
import type { RunContext } from '../core/run-context.js';
import { hostPlatformName } from '../core/platform.js';
import { formatImageRef, parseImageRef, RegistryClient } from '../registry/index.js';
import { decideUpToDate, retagByDigest } from '../uptodate/index.js';
import type { PipelineIO } from './run-pipeline.js';

export interface AdapterOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  warn: (message: string) => void;
  /** Tried before the registry store: the baseline the action stores with @actions/cache, or a file given to the CLI. */
  extraBaselineStores?: BaselineStore[];
  baselineWriter?: WritableBaselineStore;
  exec?: Exec;
}

/** The target stage's cache image in a scope: it carries the content key, and a branch's is its registry baseline. */
export function targetCacheRef(config: Config, graph: StageGraph, scope: string): string | undefined {
  const target = graph.stages.find((s) => s.name === graph.target);
  if (!config.cache.repo || !target) return undefined;
  return cacheRef(normaliseCacheRepo(config.cache.repo, 'cache repository'), cacheStageName(target), scope);
}

export function realPipelineIO(opts: AdapterOptions): PipelineIO {
  const { config, env } = opts;
  const registry = new RegistryClient({ env, timeoutMs: 15_000, warn: opts.warn });
  const docker = dockerClient(env.DOCKER_HOST);
  let current: ImageAnalysis | undefined;
  let built: BuildRecord | undefined;
  const io: PipelineIO = {
    async readDockerfile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        throw new InputError(`input dockerfile: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    },
    async engineVersion() {
      try {
        return (await docker.version()).Version;
      } catch {
        return undefined; // the build step reports an unreachable daemon in its own words
      }
    },
    async build({ config: c, graph, ctx, contentKey, log, warn }) {
      built = await buildWithStageCaches({ config: c, graph, ctx, contentKey, env, log, warn, exec: opts.exec, registry });
      return built;
    },
    async checkUpToDate({ config: c, graph, ctx }) {
      const lookupRefs = upToDateRefs(c, graph, ctx);
      if (!lookupRefs.length) return { warnings: [] };
      const d = await decideUpToDate({
        client: registry,
        contextDir: c.build.context,
        dockerfile: c.build.dockerfile,
        target: c.build.target,
        buildArgs: c.build.buildArgs,
        platforms: c.build.platforms,
        lookupRefs,
      });
      const hit = d.hit && d.key ? { key: d.key, ref: pinned(d.hit.ref, d.hit.digest), seconds: d.seconds } : undefined;
      return { key: d.key, hit, warnings: d.warnings };
    },
    async reuse(hit, graph, topFiles) {
      const tags = config.build.push ? config.build.tags : [];
      if (tags.length) {
        for (const r of await retagByDigest(registry, hit.ref, tags)) opts.log(`layerwise: tagged ${r.tag} → ${r.digest}`);
      }
      current = await analyzeImage(registryImage(hit.ref, { env }), { graph, topFiles, platform: config.build.platforms[0] });
      return current;
    },
    async analyze(imageRef, graph, topFiles) {
      const compressedSizes = await pushedLayerSizes(pushedTwin(config, graph, built), config, env, opts.warn);
      current = await analyzeImage(daemonImage(imageRef, docker), { graph, topFiles, platform: config.build.platforms[0], compressedSizes });
      return current;
    },
    async findBaseline(key: BaselineKey, graph: StageGraph) {
      const stores: BaselineStore[] = [
        ...(opts.extraBaselineStores ?? []),
        registryBaselineStore({
          refFor: (k) => {
            const ref = targetCacheRef(config, graph, branchScope(k.branch));
            // A branch run has just pushed its own scope: that image is this run's, not a baseline.
            return ref && !pushedByThisRun(built, ref) ? ref : undefined;
          },
          current: () => current,
          platform: config.build.platforms[0],
          clientOptions: { env },
          topFiles: config.topFiles,
        }),
      ];
      return findBaseline(stores, key);
    },
    ...(opts.baselineWriter
      ? { saveBaseline: (key: BaselineKey, baseline: Baseline) => opts.baselineWriter!.save(key, baseline) }
      : {}),
    async writeReport(path, json) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, json);
    },
    log: opts.log,
    warn: opts.warn,
  };
  return io;
}

/**
 * Where an image with this run's content key may be: the target's inline cache image in each scope this run
 * reads (it carries the key), then the tags the run pushes. Registry-mode caches are cache manifests, not
 * images, so there only pushed tags can be found.
 */
export function upToDateRefs(config: Config, graph: StageGraph, ctx: RunContext): string[] {
  const inline = config.cache.mode === 'registry' ? [] : decideCachePolicy(ctx, config.cache).readScopes.map((scope) => targetCacheRef(config, graph, scope));
  return [...inline.filter((r): r is string => Boolean(r)), ...(config.build.push ? config.build.tags : [])];
}

/**
 * A registry copy of the image just built: the pushed final image, or the target's inline cache image (same
 * layers). Its manifest gives the exact compressed sizes a pull downloads, without gzipping every layer.
 */
export function pushedTwin(config: Config, graph: StageGraph, record: BuildRecord | undefined): string | undefined {
  if (config.build.push && config.build.tags[0] && record?.digest) return config.build.tags[0];
  if (record?.mode !== 'inline') return undefined;
  const stage = record.stages.find((s) => s.name === graph.target);
  return stage?.cacheRef && (stage.cacheWrite === 'pushed' || stage.cacheWrite === 'unchanged') ? stage.cacheRef : undefined;
}

async function pushedLayerSizes(ref: string | undefined, config: Config, env: NodeJS.ProcessEnv, warn: (m: string) => void): Promise<Map<string, number> | undefined> {
  if (!ref) return undefined;
  try {
    return await registryLayerSizes(ref, config.build.platforms[0] ?? hostPlatformName(), { env });
  } catch (err) {
    warn(`compressed sizes are estimated with gzip: ${ref} could not be read (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

export function pushedByThisRun(record: BuildRecord | undefined, ref: string): boolean {
  return Boolean(record?.stages.some((s) => s.cacheRef === ref && s.cacheWrite === 'pushed'));
}

function pinned(ref: string, digest: string): string {
  const parsed = parseImageRef(ref);
  return formatImageRef({ ...parsed, tag: undefined, digest });
}
