// The pipeline both the action and the CLI run: Dockerfile → stage graph → per-stage cached build →
// image analysis → baseline → diff + budget → report. Everything outside the process comes in through
// PipelineIO, so this file only sequences the steps and decides what degrades to a warning.
import type { Baseline } from '../compare/types.js';
import type { BaselineKey } from '../baseline/types.js';
import type { BuildRecord } from '../buildx/types.js';
import type { Config } from '../config/types.js';
import { buildStageGraph } from '../dockerfile/graph.js';
import type { StageGraph } from '../dockerfile/types.js';
import { shouldSaveBaseline } from '../baseline/policy.js';
import { commentBodyLimit } from '../publish/marker.js';
import type { RunContext } from '../core/run-context.js';
import type { ImageAnalysis } from '../image/types.js';
import { buildReport, renderJson } from '../report/build.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../report/types.js';

export interface BuildRequest {
  config: Config;
  graph: StageGraph;
  ctx: RunContext;
  /** Labelled on the final image so a later run with the same inputs can skip its build. */
  contentKey?: string;
  log: (line: string) => void;
  warn: (message: string) => void;
}

/** An image built earlier from the same inputs (same content key). */
export interface UpToDateHit {
  key: string;
  /** Where it is, pinned by digest. */
  ref: string;
  seconds: number;
}

export interface UpToDateCheck {
  key?: string;
  hit?: UpToDateHit;
  warnings: string[];
}

export interface PipelineIO {
  readDockerfile(path: string): Promise<string>;
  /** The Docker engine's version: which Dockerfile frontend rules the graph must follow (see dockerfile/rules). */
  engineVersion?(): Promise<string | undefined>;
  build(request: BuildRequest): Promise<BuildRecord>;
  /** Measures the image the build loaded into the daemon. */
  analyze(imageRef: string, graph: StageGraph, topFiles: number): Promise<ImageAnalysis>;
  /** Content key of this run's inputs and an image already built from them, if any. */
  checkUpToDate?(request: Omit<BuildRequest, 'log' | 'warn' | 'contentKey'>): Promise<UpToDateCheck>;
  /** For a skipped build: measure the existing image where it is, and give it the tags asked for. */
  reuse?(hit: UpToDateHit, graph: StageGraph, topFiles: number): Promise<ImageAnalysis>;
  findBaseline(key: BaselineKey, graph: StageGraph): Promise<{ baseline?: Baseline; tried: string[]; warnings: string[] }>;
  /** Branch runs store their image as the next baseline; absent where nothing may be written. */
  saveBaseline?(key: BaselineKey, baseline: Baseline): Promise<void>;
  writeReport(path: string, json: string): Promise<void>;
  log(line: string): void;
  warn(message: string): void;
}

export interface PipelineResult {
  graph: StageGraph;
  record: BuildRecord;
  report: Report;
  markdown: string;
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
  const text = await io.readDockerfile(config.build.dockerfile);
  const graph = buildStageGraph(text, {
    file: config.build.dockerfile,
    target: config.build.target,
    buildArgs: config.build.buildArgs,
    platform: config.build.platforms[0],
    engineVersion: await io.engineVersion?.(),
  });

  const { record, image, imageRef } = await buildOrReuse(config, ctx, graph, io);

  const branch = baselineBranch(ctx);
  const found = branch
    ? await io.findBaseline({ imageKey: config.imageKey, branch }, graph)
    : { tried: ['no base branch known for this run'], warnings: [] };
  found.warnings.forEach((w) => io.warn(w));

  const report = buildReport({
    imageKey: config.imageKey,
    image,
    context: ctx,
    baseline: found.baseline ?? null,
    baselineTried: found.tried,
    rules: config.budget,
    build: record,
    warnings: [...record.warnings, ...found.warnings],
    topFiles: config.topFiles,
  });
  // Sized for the sticky comment, so the renderer (not a blunt cut) decides what to leave out.
  const markdown = renderMarkdown(report, { maxChars: commentBodyLimit(config.imageKey) });
  await io.writeReport(config.reportPath, renderJson(report));

  const writeKey = baselineWriteKey(ctx, config.imageKey);
  if (writeKey && io.saveBaseline) {
    try {
      await io.saveBaseline(writeKey, { source: 'actions-cache', branch: writeKey.branch, commit: ctx.sha, ref: imageRef, analysis: image });
    } catch (err) {
      io.warn(`baseline not saved: ${(err as Error).message}`);
    }
  }
  return { graph, record, report, markdown };
}

/** Skips the build when an image for the same inputs exists (and skipping is on), else builds. */
async function buildOrReuse(
  config: Config,
  ctx: RunContext,
  graph: StageGraph,
  io: PipelineIO,
): Promise<{ record: BuildRecord; image: ImageAnalysis; imageRef: string }> {
  let contentKey: string | undefined;
  const checkWarnings: string[] = [];
  if (config.skipUnchanged && io.checkUpToDate && io.reuse) {
    const check = await io.checkUpToDate({ config, graph, ctx });
    check.warnings.forEach((w) => io.warn(w));
    checkWarnings.push(...check.warnings);
    contentKey = check.key;
    if (check.hit) {
      io.log(`layerwise: up to date — an image for the same inputs exists (${check.hit.ref}); build skipped`);
      try {
        const image = await io.reuse(check.hit, graph, config.topFiles);
        return { record: skippedRecord(check.hit, checkWarnings), image, imageRef: check.hit.ref };
      } catch (err) {
        // Reuse is a shortcut: a registry that fails or stalls on it costs a build, never the run.
        const warning = `could not reuse ${check.hit.ref}, building instead: ${((err as Error)?.message ?? String(err)).replace(/\s+/g, ' ')}`;
        io.warn(warning);
        checkWarnings.push(warning);
      }
    }
  }
  // The build keeps every warning (graph warnings, cache push denied, registry down) in its record.
  const record = await io.build({ config, graph, ctx, contentKey, log: io.log, warn: io.warn });
  record.warnings.unshift(...checkWarnings);
  const imageRef = record.imageId ?? config.build.tags[0];
  if (!imageRef) throw new Error('the build produced no image id and no tag to measure');
  return { record, image: await io.analyze(imageRef, graph, config.topFiles), imageRef };
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
    digest: hit.ref.includes('@') ? hit.ref.slice(hit.ref.indexOf('@') + 1) : undefined,
    warnings,
    upToDate: { key: hit.key, ref: hit.ref },
  };
}
