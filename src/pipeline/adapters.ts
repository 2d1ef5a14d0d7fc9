// The real outside world behind PipelineIO: files, `docker buildx build`, the daemon, the registry and the
// baseline stores. Thin and stateless: each method hands over to the module that owns the work, with what
// the pipeline passed in.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { findBaseline } from '../baseline/find.js';
import { registryBaselineStore } from '../baseline/registry-store.js';
import type { BaselineStore, WritableBaselineStore } from '../baseline/types.js';
import { buildWithStageCaches } from '../buildx/build.js';
import type { Exec } from '../buildx/exec.js';
import type { Config } from '../config/types.js';
import { InputError } from '../core/errors.js';
import { hostPlatformName } from '../core/platform.js';
import { analyzeImage } from '../image/analyze.js';
import { daemonImage, daemonVersion, dockerClient, registryImage, registryLayerSizes } from '../image/sources.js';
import { formatImageRef, parseImageRef, RegistryClient } from '../registry/index.js';
import { decideUpToDate, retagByDigest } from '../uptodate/index.js';
import { registryResultStore } from '../uptodate/registry-results.js';
import type { ResultStore } from '../uptodate/stored-result.js';
import type { PipelineIO, UpToDateHit } from './io.js';

export interface AdapterOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  warn: (message: string) => void;
  /** Tried before the registry store: the baseline the action stores with @actions/cache, or a file given to the CLI. */
  extraBaselineStores?: BaselineStore[];
  baselineWriter?: WritableBaselineStore;
  /** The action's Actions-cache store of results by content key (gha mode); the cache repository's is added here. */
  actionsResultStore?: ResultStore;
  /** Gha mode's quota line (the action, with a token that may read the repository's caches). */
  actionsCacheUsage?: PipelineIO['actionsCacheUsage'];
  /** The action's or the CLI's last step (comment and summary, or files and terminal). */
  publish?: PipelineIO['publish'];
  exec?: Exec;
}

export function realPipelineIO(opts: AdapterOptions): PipelineIO {
  const { config, env } = opts;
  const registry = new RegistryClient({ env, timeoutMs: 15_000, warn: opts.warn });
  const docker = dockerClient(env.DOCKER_HOST);
  const platform = config.build.platforms[0];
  const registryResults = config.cache.repo && config.cache.mode !== 'gha' ? registryResultStore(registry, config.cache.repo) : undefined;
  const resultStores = [registryResults, opts.actionsResultStore].filter((s): s is ResultStore => Boolean(s));
  /**
   * Sizes read from a pushed copy count only when that copy holds every layer of the image measured: a tag may
   * have been overwritten by a concurrent run since. Otherwise every layer's gzip size is estimated (marked ≈).
   */
  const coveringAll = async (sizes: Map<string, number> | undefined, ref: string): Promise<Map<string, number> | undefined> => {
    if (!sizes) return undefined;
    try {
      const layers = (await docker.getImage(ref).inspect()).RootFS?.Layers ?? [];
      if (layers.length && layers.every((d) => sizes.has(d))) return sizes;
      opts.warn(`compressed sizes are estimated with gzip: the pushed copy no longer holds this image (overwritten by another run?)`);
    } catch {
      // The daemon says nothing about the image: the analysis will say so itself.
    }
    return undefined;
  };
  return {
    async readDockerfile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        throw new InputError(`input dockerfile: cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    },
    // Unreachable: the build step reports the daemon in its own words.
    engineVersion: () => daemonVersion(docker),
    async checkUpToDate({ config: c, dockerfile, lookupRefs }) {
      // Pushed tags carry the key themselves: stored results stand in only for runs that push no image.
      const stores = c.build.push ? [] : resultStores;
      if (!lookupRefs.length && !stores.length) return { warnings: [] };
      const d = await decideUpToDate({
        client: registry,
        contextDir: c.build.context,
        dockerfile: c.build.dockerfile,
        dockerfileText: dockerfile.text,
        externalImages: dockerfile.externalImages,
        target: c.build.target,
        buildArgs: c.build.buildArgs,
        platforms: c.build.platforms,
        lookupRefs,
      });
      const warnings = [...d.warnings];
      const hit = d.hit && d.key ? { key: d.key, ref: pinned(d.hit.ref, d.hit.digest), seconds: d.seconds } : await findStored(d.key, stores, warnings);
      return { key: d.key, hit, warnings };
    },
    async saveResult(result, mode) {
      const store = mode === 'gha' ? opts.actionsResultStore : mode === 'registry' ? registryResults : undefined;
      const where = await store?.save(result, opts.warn);
      if (where) opts.log(`layerwise: result stored by content key as ${where}`);
    },
    async retag(hit) {
      const tags = config.build.push ? config.build.tags : [];
      if (!tags.length) return;
      for (const r of await retagByDigest(registry, hit.ref, tags)) opts.log(`layerwise: tagged ${r.tag} → ${r.digest}`);
    },
    build: ({ config: c, graph, ctx, contentKey, log, warn }) =>
      buildWithStageCaches({ config: c, graph, ctx, contentKey, env, log, warn, exec: opts.exec, registry }),
    async analyze({ source, ref, graph, topFiles, compressedFrom }) {
      if (source === 'registry') return analyzeImage(registryImage(ref, { env }), { graph, topFiles, platform });
      const compressedSizes = await pushedLayerSizes(compressedFrom, platform, env, opts.warn);
      return analyzeImage(daemonImage(ref, docker), { graph, topFiles, platform, compressedSizes: await coveringAll(compressedSizes, ref) });
    },
    findBaseline(key, { current, registryRef }) {
      const stores: BaselineStore[] = [
        ...(opts.extraBaselineStores ?? []),
        registryBaselineStore({ refFor: () => registryRef, current: () => current, platform, clientOptions: { env }, topFiles: config.topFiles }),
      ];
      return findBaseline(stores, key);
    },
    ...(opts.baselineWriter ? { saveBaseline: (key, baseline) => opts.baselineWriter!.save(key, baseline) } : {}),
    async writeReport(path, json) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, json);
    },
    ...(opts.publish ? { publish: opts.publish } : {}),
    ...(opts.actionsCacheUsage ? { actionsCacheUsage: opts.actionsCacheUsage } : {}),
    log: opts.log,
    warn: opts.warn,
  };
}

async function pushedLayerSizes(ref: string | undefined, platform: string | undefined, env: NodeJS.ProcessEnv, warn: (m: string) => void): Promise<Map<string, number> | undefined> {
  if (!ref) return undefined;
  try {
    return await registryLayerSizes(ref, platform ?? hostPlatformName(), { env });
  } catch (err) {
    warn(`compressed sizes are estimated with gzip: ${ref} could not be read (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

async function findStored(key: string | undefined, stores: ResultStore[], warnings: string[]): Promise<UpToDateHit | undefined> {
  if (!key) return undefined;
  const started = Date.now();
  for (const store of stores) {
    const found = await store.find(key, (w) => warnings.push(w));
    if (found) return { key, ref: found.where, seconds: (Date.now() - started) / 1000, stored: found.result };
  }
  return undefined;
}

function pinned(ref: string, digest: string): string {
  const parsed = parseImageRef(ref);
  return formatImageRef({ ...parsed, tag: undefined, digest });
}
