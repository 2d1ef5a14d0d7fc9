// The build step of the pipeline: probe the builder, decide the cache policy, check which cache refs exist,
// run every planned `docker buildx build`, and fold what they did into one BuildRecord.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decideCachePolicy, type CachePolicy } from '../cache/policy.js';
import { sanitizeTagPart } from '../cache/refs.js';
import type { Config } from '../config/types.js';
import { errorLine } from '../core/errors.js';
import { measureContext } from '../context/index.js';
import { RegistryClient } from '../registry/index.js';
import { runCheckCall } from './check-call.js';
import { checksFailure, lintViolationRules } from './checks.js';
import { execWithActions, type Exec } from './exec.js';
import { ghaIndexChecker, ghaRuntime, type GhaRuntime } from './gha-index.js';
import { localIdentity, remoteIdentity, sameIdentity } from './identity.js';
import { planBuilds, type ResolvedMode } from './plan.js';
import { probeBuilder, type BuilderInfo } from './probe.js';
import { assembleRecord } from './record.js';
import { stagesChangedBy } from './changed-stages.js';
import { failureMessage, runStageExport, runStageOrImageBuild, type RunOutcome } from './runner.js';
import { buildPrerequisites, MAX_CONCURRENT_BUILDS, OrderedLog, runScheduled } from './schedule.js';
import { copyManifest, pickSources, resolveCacheSources, type CacheRefChecker } from './sources.js';
import { stepKey } from './steps.js';
import type { BuildInputs, BuildRecord } from './types.js';

export interface BuildWithStageCachesOptions extends BuildInputs {
  /** Defaults to @actions/exec. */
  exec?: Exec;
  /** Defaults to a RegistryClient using the Docker config found through `env`. */
  registry?: CacheRefChecker;
  /** Environment for docker (DOCKER_HOST, DOCKER_CONFIG, …); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** The readable build log, line by line. */
  log?: (line: string) => void;
  /** Non-fatal problems as they happen (they are also in record.warnings). */
  warn?: (message: string) => void;
  /** Warn when the build context (after .dockerignore) is larger than this; default 100 MB. */
  contextWarnBytes?: number;
}

export const DEFAULT_CONTEXT_WARN_BYTES = 100_000_000;

type ContextReport = NonNullable<BuildRecord['context']>;

/** What the build sends as context, with a warning over the threshold naming the largest paths. */
async function contextReport(config: Config, threshold: number, warn: (m: string) => void): Promise<ContextReport | undefined> {
  try {
    const m = await measureContext(config.build.context, { dockerfile: resolve(config.build.dockerfile), top: 5 });
    const report: ContextReport = { bytes: m.bytes, files: m.files, largest: m.largest };
    if (m.bytes > threshold) {
      const top = m.largest.slice(0, 3).map((l) => `${l.path} (${(l.bytes / 1e6).toFixed(1)} MB)`).join(', ');
      report.warning =
        `build context ${config.build.context} is ${(m.bytes / 1e6).toFixed(1)} MB in ${m.files} files (over ${(threshold / 1e6).toFixed(0)} MB); ` +
        `largest: ${top}; exclude what the build does not need in .dockerignore`;
      warn(report.warning);
    }
    return report;
  } catch (err) {
    warn(`could not measure the build context ${config.build.context}: ${errorLine(err)}`);
    return undefined;
  }
}

/** A build step failed (not a cache problem). Carries what was recorded up to the failure. */
export class BuildFailedError extends Error {
  constructor(
    message: string,
    readonly record: BuildRecord,
    /** BuildKit's Dockerfile checks failed it (`checks: true`, or `# check=error=true`): record.checks say where. */
    readonly checksFailed = false,
  ) {
    super(message);
    this.name = 'BuildFailedError';
  }
}

/** The cache mode this builder and runner can do, and why when `auto` chose it. */
function resolveMode(config: Config, builder: BuilderInfo, gha: GhaRuntime | undefined, warnings: string[]): { mode: ResolvedMode; why?: string } {
  const wanted = config.cache.mode;
  if (wanted === 'inline') return { mode: 'inline' };
  const exports = builder.registryCacheExport;
  if (wanted === 'gha') {
    if (exports && gha) return { mode: 'gha' };
    const fallback = exports && config.cache.repo ? 'registry' : 'inline';
    warnings.push(
      `cache mode gha: ${gha ? `the ${builder.driver} driver on the classic image store cannot export caches (turn on the containerd image store or use a docker-container builder)` : 'no Actions cache service here (a runner gives JavaScript actions ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_SERVICE_V2)'}; using ${fallback} caches`,
    );
    return { mode: fallback };
  }
  if (wanted === 'auto' && !config.cache.repo && exports && gha) {
    return { mode: 'gha', why: 'auto: no cache repository, and this runner has the Actions cache' };
  }
  if (exports) return { mode: 'registry' };
  if (wanted === 'registry') {
    warnings.push(
      `cache mode registry: the ${builder.driver} driver on the classic image store cannot export a registry cache; using inline caches (turn on the containerd image store or use a docker-container/remote builder)`,
    );
  }
  return { mode: 'inline' };
}

export async function buildWithStageCaches(opts: BuildWithStageCachesOptions): Promise<BuildRecord & { policy: CachePolicy; builder: BuilderInfo }> {
  const { config, graph, ctx } = opts;
  const exec = opts.exec ?? execWithActions;
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const warnings: string[] = [...graph.warnings];
  const warn = (m: string) => {
    warnings.push(m);
    opts.warn?.(m);
  };

  const builder = await probeBuilder(exec, { builder: config.build.builder, env });
  const modeWarnings: string[] = [];
  const gha = ghaRuntime(env);
  const { mode, why } = resolveMode(config, builder, gha, modeWarnings);
  modeWarnings.forEach(warn);
  const cacheRepo = mode === 'gha' ? undefined : config.cache.repo;
  const policy = decideCachePolicy(ctx, config.cache);
  const where = mode === 'gha' ? ` in the Actions cache, scopes ${sanitizeTagPart(config.imageKey)}/<stage>/<scope>` : cacheRepo ? ` in ${cacheRepo}` : ' (off: no cache repository)';
  log(`layerwise: ${builder.driver} driver, buildx ${builder.buildxVersion}, ${mode} cache${where}${why ? ` (${why})` : ''}; ${policy.reason}`);

  const plan = planBuilds({
    graph,
    build: config.build,
    cacheRepo,
    ghaKey: mode === 'gha' ? config.imageKey : undefined,
    mode,
    policy,
    driver: builder.driver,
    readOnly: ctx.readOnly,
    labels: config.build.labels,
    contentKey: opts.contentKey,
  });
  plan.warnings.forEach(warn);
  if (config.build.checks) await checkFirst();

  const registry = opts.registry ?? new RegistryClient({ env, timeoutMs: 10_000, warn });
  const sourceChecker = mode === 'gha' && gha ? ghaIndexChecker(gha) : registry;
  const resolved = await resolveCacheSources(plan.builds.flatMap((b) => b.candidateSources), sourceChecker);
  resolved.warnings.forEach(warn);

  const context = await contextReport(config, opts.contextWarnBytes ?? DEFAULT_CONTEXT_WARN_BYTES, warn);
  const tmpDir = await mkdtemp(join(tmpdir(), 'layerwise-build-'));
  const outcomes: RunOutcome[] = [];
  const executedInRun = new Set<string>();
  const holdsThisBuild = async (ref: string): Promise<boolean | undefined> => {
    const pinned = resolved.pinned.get(ref);
    if (!pinned || !(registry instanceof RegistryClient)) return undefined;
    try {
      const [local, remote] = await Promise.all([localIdentity(exec, ref, env), remoteIdentity(registry, pinned, config.build.platforms[0])]);
      return local ? sameIdentity(local, remote) : undefined;
    } catch {
      return undefined; // cannot tell: keep the tag, as before the check existed
    }
  };
  const copyComplete = async (from: string, to: string, say: (line: string) => void) => {
    try {
      await copyManifest(registry, from, to);
      say(`layerwise: ${from} ran every step itself; kept as ${to}`);
    } catch (err) {
      warn(`could not copy ${from} to ${to}: ${errorLine(err)}`);
    }
  };
  const logs = new OrderedLog(log);
  const solved = (outcome: RunOutcome) => {
    for (const s of outcome.summary.steps) if (s.executed) executedInRun.add(stepKey(s));
  };
  // Image-first plans: what the image build solved decides which stage caches are exported after it.
  let imageBuilt: RunOutcome | undefined;
  const stageNames = plan.builds.filter((b) => b.kind === 'stage').map((b) => b.stage);
  const runOne = async (index: number, ready: () => void): Promise<RunOutcome> => {
    const planned = plan.builds[index];
    const say = logs.open(index);
    try {
      const image = plan.imageFirst && planned.kind === 'stage' ? imageBuilt : undefined;
      const cacheFrom = image ? image.cacheFrom : pickSources(planned.candidateSources, resolved.pinned, config.cache.maxSources, planned.ownSources);
      say(
        `layerwise: ${planned.kind === 'stage' ? `stage ${planned.stage}` : `image ${planned.target ?? '(last stage)'}`}` +
          `${planned.writesCacheRef ? ` → cache ${planned.writesCacheRef}` : ''}; ${cacheFrom.length} cache source(s)`,
      );
      const options = {
        exec, env, build: config.build, progress: builder.progress, cacheFrom, cacheFromType: mode === 'gha' ? 'gha' as const : 'registry' as const, tmpDir, log: say, index, driver: builder.driver,
        writtenRefExists: Boolean(planned.writesCacheRef && resolved.pinned.has(planned.writesCacheRef)),
        executedInRun, copyComplete: (from: string, to: string) => copyComplete(from, to, say), holdsThisBuild,
        // Builds that need this stage start while its cache export runs: they need its result, not its export.
        onBuilt: (built: RunOutcome) => {
          solved(built);
          if (planned.kind === 'image') imageBuilt ??= built;
          ready();
        },
      };
      const outcome = image
        ? await runStageExport(planned, options, stagesChangedBy(image.summary.steps, stageNames, graph).has(planned.stage))
        : await runStageOrImageBuild(planned, options);
      solved(outcome);
      // The record words these itself; here they only go to the live log.
      if (!failureMessage(outcome)) for (const e of outcome.summary.exportErrors) opts.warn?.(`${planned.writesCacheRef ? `cache push of ${planned.writesCacheRef}` : e.vertex} failed: ${e.error}`);
      return outcome;
    } finally {
      logs.close(index);
    }
  };
  const buildsStarted = Date.now();
  try {
    // The Actions cache refuses a second writer of the same blob ("failed to reserve cache", seen on the bed when the
    // image's export and a stage's ran at once): in gha mode one build at a time, so exports never overlap.
    const limit = mode === 'gha' ? 1 : MAX_CONCURRENT_BUILDS;
    const results = await runScheduled(buildPrerequisites(plan.builds, graph), limit, runOne, (o) => Boolean(failureMessage(o)));
    outcomes.push(...results.filter((o): o is RunOutcome => o !== undefined));
    const failedOutcome = outcomes.find((o) => failureMessage(o));
    const failure = failedOutcome && failureMessage(failedOutcome);
    if (failedOutcome && failure) {
      const record = finish(outcomes);
      const lint = lintViolationRules([...failedOutcome.textLines, ...failedOutcome.summary.buildErrors.map((e) => e.error)].join('\n'));
      if (lint) {
        const failing = (record.checks ?? []).filter((c) => lint.includes(c.rule));
        throw new BuildFailedError(checksFailure(failing, graph.file, '# check=error=true', lint), record, true);
      }
      const failed = record.stages.flatMap((st) => st.stepDetails).find((d) => d.error && d.line !== undefined);
      throw new BuildFailedError(failed ? failure.replace(' failed at ', ` failed at ${graph.file}:${failed.line} `) : failure, record);
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return { ...finish(outcomes), policy, builder };

  /** The `checks` option: fail before any build on a violation; an engine that cannot check only warns. */
  async function checkFirst(): Promise<void> {
    const r = await runCheckCall(exec, config.build, env);
    if ('unsupported' in r) {
      warn(`checks skipped: this engine cannot run Dockerfile checks (${r.unsupported})`);
      return;
    }
    log(`layerwise: Dockerfile checks: ${r.checks.length ? `${r.checks.length} violation(s)` : 'no violations'}`);
    if (r.checks.length) {
      const record = assembleRecord({ graph, mode, results: [], resolvedSources: [], warnings, checks: r.checks });
      throw new BuildFailedError(checksFailure(r.checks, graph.file, 'checks: true'), record, true);
    }
  }

  function finish(results: RunOutcome[]): BuildRecord {
    const record = assembleRecord({ graph, mode, results, resolvedSources: resolved.statuses, warnings });
    if (results.length) record.seconds = Math.round((Date.now() - buildsStarted) / 10) / 100;
    record.cachePolicy = { readScopes: policy.readScopes, ...(policy.writeScope ? { writeScope: policy.writeScope } : {}), reason: policy.reason };
    if (cacheRepo) record.cacheRepo = cacheRepo;
    if (context) record.context = context;
    // On the containerd store the daemon names an image by its manifest digest, not its config digest.
    if (builder.containerdStore && record.digest) record.imageId = record.digest;
    return record;
  }
}
