// Runs one `docker buildx build`, streaming its progress into the parser and a readable plain log.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from './exec.js';
import { PlainProgress, RawJsonProgress } from './progress.js';
import type { InvocationResult } from './record.js';
import { stepKey, summarizeVertices } from './steps.js';
import type { PlannedBuild } from './plan.js';
import { buildxArgv } from './argv.js';
import type { BuildConfig } from '../config/types.js';

export interface RunOptions {
  exec: Exec;
  env?: NodeJS.ProcessEnv;
  build: BuildConfig;
  progress: 'rawjson' | 'plain';
  cacheFrom: string[];
  cacheFromType?: 'registry' | 'gha';
  tmpDir: string;
  /** Receives the readable log, one line at a time. */
  log: (line: string) => void;
  index: number;
  driver: string;
  /** The cache ref this build writes already existed before the run (so an unchanged stage need not re-push). */
  writtenRefExists: boolean;
  /** Steps (stepKey) executed by earlier builds of this run: local results, complete in any export. */
  executedInRun: Set<string>;
  /**
   * The build's steps are solved and its result is in the builder (the cache export may still follow): builds
   * that need this stage can start.
   */
  onBuilt?: (outcome: RunOutcome) => void;
  /** After a successful push of a complete export (inline): copy the ref to planned.completeCopyRef. */
  copyComplete?: (from: string, to: string) => Promise<void>;
  /**
   * Whether the written ref (as pinned before the run) holds the image this build just loaded under the same
   * name: same layers and content key. Undefined when it cannot tell (no local image, registry unreachable).
   */
  holdsThisBuild?: (ref: string) => Promise<boolean | undefined>;
}

export interface RunOutcome extends InvocationResult {
  argv: string[];
  /** Text buildx printed outside the progress stream (its final `ERROR: …`). */
  textLines: string[];
  /** What happened to the stage's cache write (inline cache images and registry cache exports). */
  cacheWrite?: 'pushed' | 'unchanged' | 'failed';
}

/**
 * Builds that write a cache (stage builds; the image build in registry and gha modes) run in two steps: build
 * (result kept local, or the image loaded), then export the cache only when a step of this build executed, or
 * the ref did not exist yet. Re-exporting a cache from a build served entirely from
 * imported cache writes incomplete records — inline (moby/buildkit#2274, #7146: the next fresh runner
 * misses) and, as measured on the bed, registry mode=max too (the next source change re-ran WORKDIR). An
 * unchanged stage's ref is still the good one, so it is left alone.
 */
export async function runStageOrImageBuild(planned: PlannedBuild, opts: RunOptions): Promise<RunOutcome> {
  const ref = planned.writesCacheRef;
  if (ref && planned.cacheTo && !opts.writtenRefExists && opts.cacheFrom.length === 0) {
    // A ref that does not exist yet is written whatever the build does, and with nothing imported no step can
    // come from imported cache: build and export in one pass (a cold run saves one invocation per stage).
    const once = await runPlannedBuild(planned, opts, true);
    if (failureMessage(once)) return once;
    opts.onBuilt?.(once);
    return withCacheWrite(once, ref);
  }
  const first = await runPlannedBuild(planned, opts, false);
  if (failureMessage(first)) return first;
  opts.onBuilt?.(first);
  if (!ref) return first;
  const changed = first.summary.steps.some((s) => s.executed);
  // Complete: no step came from imported cache, so the export has every record (see PlannedBuild.completeCopyRef).
  const complete = first.summary.steps.every((s) => s.executed || opts.executedInRun.has(stepKey(s)));
  const keepComplete = async <T extends RunOutcome>(outcome: T): Promise<T> => {
    if (outcome.cacheWrite === 'pushed' && complete && planned.completeCopyRef && opts.copyComplete) await opts.copyComplete(ref, planned.completeCopyRef);
    return outcome;
  };
  if (!changed && opts.writtenRefExists) {
    // Every step came from cache — but the tag may hold another build (A → B → A, or a concurrent run).
    const holds = planned.output.type === 'cache-image' ? await opts.holdsThisBuild?.(ref) : undefined;
    if (holds !== false) {
      opts.log(`layerwise: every step of ${planned.stage} came from cache; ${ref} is current, not re-exported`);
      return { ...first, cacheWrite: 'unchanged' };
    }
    opts.log(`layerwise: every step of ${planned.stage} came from cache, but ${ref} holds another build; pushing this one`);
  }
  if (planned.output.type === 'cache-image' && opts.driver === 'docker') {
    // The image (with its inline cache in the config) is in the daemon: push it as is.
    opts.log(`layerwise: pushing ${ref}`);
    const push = await opts.exec('docker', ['push', ref], { env: opts.env });
    if (push.exitCode === 0) return keepComplete({ ...first, cacheWrite: 'pushed' });
    const reason = (push.stderr || push.stdout).trim().split('\n').filter(Boolean).pop() ?? `exit code ${push.exitCode}`;
    opts.log(`layerwise: push of ${ref} failed: ${reason}`);
    return { ...first, cacheWrite: 'failed', summary: { ...first.summary, exportErrors: [...first.summary.exportErrors, { vertex: `pushing ${ref}`, error: reason }] } };
  }
  // Build again with the export on: every step is a local cache hit now, so this only writes the cache (no
  // `--no-cache` again; the image build's image was already loaded or pushed).
  const exportOnly: PlannedBuild = planned.kind === 'image' ? { ...planned, output: { type: 'cacheonly' }, labels: {}, noCache: 'none' } : { ...planned, noCache: 'none' };
  const second = withCacheWrite(await runPlannedBuild(exportOnly, { ...opts, index: opts.index + 1000 }, true), ref);
  return keepComplete({
    ...first,
    seconds: first.seconds + second.seconds,
    cacheWrite: second.cacheWrite,
    summary: { ...first.summary, exportErrors: [...first.summary.exportErrors, ...second.summary.exportErrors] },
  });
}

/**
 * A stage build after the image build (image-first plans): the image build solved the stage, so this only
 * exports its cache — when a step of the stage ran there (`changed`) or its ref is new; otherwise the ref is
 * current and nothing runs. It reads what the image build read, so the export finds every record.
 */
export async function runStageExport(planned: PlannedBuild, opts: RunOptions, changed: boolean): Promise<RunOutcome> {
  const ref = planned.writesCacheRef;
  if (!ref || (!changed && opts.writtenRefExists)) {
    if (ref) opts.log(`layerwise: every step of ${planned.stage} came from cache in the image build; ${ref} is current, not re-exported`);
    const summary = { steps: [], bases: [], imports: [], exportErrors: [], buildErrors: [] };
    return { planned, cacheFrom: opts.cacheFrom, summary, seconds: 0, exitCode: 0, argv: [], textLines: [], notRun: true, ...(ref ? { cacheWrite: 'unchanged' as const } : {}) };
  }
  const outcome = await runPlannedBuild({ ...planned, noCache: 'none' }, opts, true);
  return withCacheWrite(outcome, ref);
}

/** An export pass's outcome with its cache write: pushed, or failed with the reason among its export errors. */
function withCacheWrite(outcome: RunOutcome, ref: string): RunOutcome {
  const exportErrors = [...outcome.summary.exportErrors];
  const failed = exportErrors.length > 0 || Boolean(failureMessage(outcome)) || outcome.exitCode !== 0;
  if (failed && exportErrors.length === 0) exportErrors.push({ vertex: `exporting cache ${ref}`, error: failureMessage(outcome) ?? `exit code ${outcome.exitCode}` });
  return { ...outcome, cacheWrite: failed ? 'failed' : 'pushed', summary: { ...outcome.summary, exportErrors } };
}

async function runPlannedBuild(planned: PlannedBuild, opts: RunOptions, exportCache: boolean): Promise<RunOutcome> {
  const metadataFile = join(opts.tmpDir, `metadata-${opts.index}.json`);
  const argv = buildxArgv(planned, { build: opts.build, progress: opts.progress, metadataFile, cacheFrom: opts.cacheFrom, cacheFromType: opts.cacheFromType, driver: opts.driver, exportCache });
  const parser = opts.progress === 'rawjson' ? new RawJsonProgress() : new PlainProgress();
  const started = Date.now();
  const emit = (lines: string[]) => lines.forEach((l) => opts.log(l));
  const { exitCode } = await opts.exec('docker', argv, {
    env: opts.env,
    onStderr: (chunk) => emit(parser.feed(chunk)),
    onStdout: (chunk) => emit(chunk.split('\n').filter(Boolean)),
  });
  emit(parser.end());
  const seconds = (Date.now() - started) / 1000;
  let metadata: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(await readFile(metadataFile, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
  } catch {
    metadata = undefined; // a failed build writes none
  }
  await rm(metadataFile, { force: true });
  return {
    planned,
    cacheFrom: opts.cacheFrom,
    summary: summarizeVertices(parser.vertices()),
    seconds,
    exitCode,
    metadata,
    argv,
    textLines: parser.textLines,
    checks: parser.checks,
  };
}

/** Why a build failed, in one line: the failing step and its error, or buildx's own message. */
export function failureMessage(outcome: RunOutcome): string | undefined {
  const { summary, exitCode } = outcome;
  const what = outcome.planned.kind === 'stage' ? `stage '${outcome.planned.stage}'` : `image (target '${outcome.planned.stage}')`;
  if (summary.buildErrors.length) {
    const e = summary.buildErrors[0];
    return `build of ${what} failed at ${e.vertex}: ${e.error}`;
  }
  // The image the user asked for must be exported (loaded, pushed); only cache writes may fail softly.
  const imageExport = outcome.planned.kind === 'image' ? summary.exportErrors.find((e) => !/cache/i.test(e.vertex)) : undefined;
  if (imageExport) return `build of ${what} failed at ${imageExport.vertex}: ${imageExport.error}`;
  // A non-zero exit with only cache export/push errors is a cache problem: a warning, not a failure.
  if (exitCode !== 0 && summary.exportErrors.length === 0) {
    const text = outcome.textLines.find((l) => /error/i.test(l)) ?? outcome.textLines[0] ?? `docker buildx exited with ${exitCode}`;
    return `build of ${what} failed: ${text.replace(/^ERROR:\s*/, '')}`;
  }
  return undefined;
}
