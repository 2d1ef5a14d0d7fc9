// The pipeline both the action and the CLI run, one call per step, each handed its inputs and returning its
// result: graph → up-to-date → build → analyse → baseline → compare → budget → report → publish. Everything
// outside the process comes in through PipelineIO (pipeline/adapters.ts), so this file only sequences the
// steps, decides what degrades to a warning, and holds no state between them.
import type { FoundBaseline } from '../baseline/find.js';
import { shouldSaveBaseline } from '../baseline/policy.js';
import type { BaselineKey } from '../baseline/types.js';
import { evaluateBudget } from '../budget/evaluate.js';
import type { BuildRecord } from '../buildx/types.js';
import { pushedTwin, registryBaselineRef, upToDateRefs } from '../cache/targets.js';
import { compareImages } from '../compare/compare.js';
import type { Config } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import { buildStageGraph } from '../dockerfile/graph.js';
import type { StageGraph } from '../dockerfile/types.js';
import type { ImageAnalysis } from '../image/types.js';
import { commentBodyLimit } from '../publish/marker.js';
import { buildReport, renderJson } from '../report/build.js';
import { limitAnalysis } from '../report/limit-report.js';
import { renderMarkdown } from '../report/markdown.js';
import { redactDeep, secretValues } from '../report/redact.js';
import type { Report } from '../report/types.js';
import { externalImages } from '../uptodate/key.js';
import type { PipelineIO, UpToDateHit } from './io.js';

export type { PipelineIO, UpToDateCheck, UpToDateHit } from './io.js';

export interface PipelineResult {
  graph: StageGraph;
  record: BuildRecord;
  report: Report;
  markdown: string;
}

/** The Dockerfile, read and parsed once: the graph for the first platform and the images every platform reads. */
export interface DockerfileInput {
  text: string;
  graph: StageGraph;
  externalImages: string[];
}

/** The branch whose image this run is compared with: what it merges into, else this branch's previous run. */
export function baselineBranch(ctx: RunContext): string | undefined {
  return ctx.baseBranch ?? ctx.pr?.baseRef ?? ctx.branch ?? ctx.defaultBranch;
}

/** Where a run's image becomes the next baseline: trusted branch runs only (the rule is shouldSaveBaseline's). */
export function baselineWriteKey(ctx: RunContext, imageKey: string): BaselineKey | undefined {
  return shouldSaveBaseline(ctx) && ctx.branch ? { imageKey, branch: ctx.branch } : undefined;
}

export async function runPipeline(config: Config, ctx: RunContext, io: PipelineIO): Promise<PipelineResult> {
  const dockerfile = await readStageGraph(config, io);
  const { graph } = dockerfile;
  const upToDate = await checkUpToDate(config, ctx, dockerfile, io);
  const { record, imageRef, measured } = await buildAndMeasure(config, ctx, graph, upToDate, io);
  // Values of build args named like secrets leave the process as `***`, in every file and comment.
  const secrets = secretValues(config.build.buildArgs);
  const image = redactDeep(measured, secrets);
  if (record.mode === 'gha' && io.actionsCacheUsage) {
    const usage = await io.actionsCacheUsage();
    if (usage) record.actionsCache = usage;
  }
  const found = await findBaseline(config, ctx, graph, record, image, io);
  const diff = found.baseline ? compareImages(found.baseline.analysis, image, { topFiles: config.topFiles }) : null;
  const verdict = evaluateBudget(config.budget, { current: image, diff, baseline: found.baseline ?? null });
  const report = buildReport({
    imageKey: config.imageKey,
    image,
    context: ctx,
    baseline: found.baseline ?? null,
    baselineTried: found.tried,
    diff,
    verdict,
    build: redactDeep(record, secrets),
    warnings: redactDeep([...record.warnings, ...found.warnings], secrets),
  });
  // Sized for the sticky comment, so the renderer (not a blunt cut) decides what to leave out.
  const markdown = renderMarkdown(report, { maxChars: commentBodyLimit(config.imageKey) });
  await io.writeReport(config.reportPath, renderJson(report));
  await saveBaseline(config, ctx, imageRef, image, io);
  await saveResult(config, ctx, upToDate, record, image, io);
  await io.publish?.({ report, markdown });
  return { graph, record, report, markdown };
}

/** Step 1: the stage graph, with the frontend rules of the engine that will build it. */
export async function readStageGraph(config: Config, io: Pick<PipelineIO, 'readDockerfile' | 'engineVersion'>): Promise<DockerfileInput> {
  const text = await io.readDockerfile(config.build.dockerfile);
  const engineVersion = await io.engineVersion?.();
  const graphFor = (platform: string | undefined) =>
    buildStageGraph(text, { file: config.build.dockerfile, target: config.build.target, buildArgs: config.build.buildArgs, platform, engineVersion });
  const graph = graphFor(config.build.platforms[0]);
  // Each platform may resolve `FROM …:${TARGETARCH}` to another image: the content key covers them all.
  const images = new Set(externalImages(graph));
  for (const platform of config.build.platforms.slice(1)) for (const ref of externalImages(graphFor(platform))) images.add(ref);
  return { text, graph, externalImages: [...images].sort() };
}

interface UpToDate {
  key?: string;
  hit?: UpToDateHit;
  warnings: string[];
}

/** Step 2: the content key, and an image already built from the same inputs. `no-cache` means build. */
async function checkUpToDate(config: Config, ctx: RunContext, dockerfile: DockerfileInput, io: PipelineIO): Promise<UpToDate> {
  if (!config.skipUnchanged || config.build.noCache || !io.checkUpToDate) return { warnings: [] };
  const check = await io.checkUpToDate({ config, dockerfile, lookupRefs: upToDateRefs(config, dockerfile.graph, ctx) });
  check.warnings.forEach((w) => io.warn(w));
  return check;
}

interface Built {
  record: BuildRecord;
  imageRef: string;
  /** Where the image is measured: the daemon the build loaded it into, or the registry it was found in. */
  source: 'daemon' | 'registry';
}

/**
 * Steps 3 and 4: reuse an image built from the same inputs (tag it where tags are asked for, measure it in the
 * registry), else build and measure what the daemon loaded. Reuse is a shortcut: a registry that fails or
 * stalls on it costs a build, never the run.
 */
async function buildAndMeasure(config: Config, ctx: RunContext, graph: StageGraph, upToDate: UpToDate, io: PipelineIO): Promise<Built & { measured: ImageAnalysis }> {
  const warnings = [...upToDate.warnings];
  if (upToDate.hit?.stored) {
    const { stored } = upToDate.hit;
    io.log(`layerwise: up to date — ${upToDate.hit.ref} holds the result for the same inputs (built ${stored.savedAt}); build skipped`);
    return { record: skippedRecord(upToDate.hit, warnings), imageRef: stored.imageId ?? stored.digest ?? upToDate.hit.ref, source: 'registry', measured: stored.analysis };
  }
  if (upToDate.hit) {
    const hit = upToDate.hit;
    try {
      io.log(`layerwise: up to date — an image for the same inputs exists (${hit.ref}); build skipped`);
      await io.retag?.(hit);
      const measured = await io.analyze({ source: 'registry', ref: hit.ref, graph, topFiles: config.topFiles });
      return { record: skippedRecord(hit, warnings), imageRef: hit.ref, source: 'registry', measured };
    } catch (err) {
      const warning = `could not reuse ${hit.ref}, building instead: ${((err as Error)?.message ?? String(err)).replace(/\s+/g, ' ')}`;
      io.warn(warning);
      warnings.push(warning);
    }
  }
  const built = await buildImage(config, ctx, graph, upToDate.key, warnings, io);
  const compressedFrom = pushedTwin(config, graph, built.record);
  return { ...built, measured: await io.analyze({ source: 'daemon', ref: built.imageRef, graph, topFiles: config.topFiles, compressedFrom }) };
}

/** Step 3: every needed stage with its cache. The record keeps every warning (cache push denied, registry down). */
async function buildImage(config: Config, ctx: RunContext, graph: StageGraph, contentKey: string | undefined, warnings: string[], io: PipelineIO): Promise<Built> {
  const record = await io.build({ config, graph, ctx, contentKey, log: io.log, warn: io.warn });
  record.warnings.unshift(...warnings);
  const imageRef = record.imageId ?? config.build.tags[0];
  if (!imageRef) throw new Error('the build produced no image id and no tag to measure');
  return { record, imageRef, source: 'daemon' };
}

/** Step 5: the base branch's image, from the stores in order; never this run's own push. */
async function findBaseline(config: Config, ctx: RunContext, graph: StageGraph, record: BuildRecord, image: ImageAnalysis, io: PipelineIO): Promise<FoundBaseline> {
  const branch = baselineBranch(ctx);
  if (!branch) return { tried: ['no base branch known for this run'], warnings: [] };
  const found = await io.findBaseline({ imageKey: config.imageKey, branch }, { current: image, registryRef: registryBaselineRef(config, graph, branch, record) });
  found.warnings.forEach((w) => io.warn(w));
  return found;
}

/** Trusted branch runs store their image as the next baseline; a failure to store is a warning. */
async function saveBaseline(config: Config, ctx: RunContext, imageRef: string, image: ImageAnalysis, io: PipelineIO): Promise<void> {
  const key = baselineWriteKey(ctx, config.imageKey);
  if (!key || !io.saveBaseline) return;
  try {
    await io.saveBaseline(key, { source: 'actions-cache', branch: key.branch, commit: ctx.sha, ref: imageRef, analysis: image });
  } catch (err) {
    io.warn(`baseline not saved: ${(err as Error).message}`);
  }
}

/**
 * A run that looked for a result, found none, built without pushing and may write caches stores what it measured
 * by content key, where its cache mode keeps caches (gha: the Actions cache; registry: the cache repository).
 * Pushed images carry the key themselves; inline cache images too.
 */
async function saveResult(config: Config, ctx: RunContext, upToDate: UpToDate, record: BuildRecord, image: ImageAnalysis, io: PipelineIO): Promise<void> {
  if (!upToDate.key || upToDate.hit || config.build.push || record.mode === 'inline' || !record.cachePolicy?.writeScope || !io.saveResult) return;
  await io.saveResult(
    // Cut to the limits it is read back with, so a big image's result is not refused by the next run.
    { contentKey: upToDate.key, analysis: limitAnalysis(image, (m) => io.log(`layerwise: stored result: ${m}`)), imageId: record.imageId, digest: record.digest, commit: ctx.sha, savedAt: new Date().toISOString() },
    record.mode,
  );
}

function skippedRecord(hit: UpToDateHit, warnings: string[]): BuildRecord {
  return {
    stages: [],
    cacheSources: [],
    totalSteps: 0,
    cachedSteps: 0,
    cacheHitRatio: 1,
    seconds: hit.seconds,
    mode: 'inline',
    digest: hit.stored ? hit.stored.digest : hit.ref.includes('@') ? hit.ref.slice(hit.ref.indexOf('@') + 1) : undefined,
    ...(hit.stored?.imageId ? { imageId: hit.stored.imageId } : {}),
    warnings,
    upToDate: { key: hit.key, ref: hit.ref, ...(hit.stored ? { stored: true } : {}) },
  };
}
