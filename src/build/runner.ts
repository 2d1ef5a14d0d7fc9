// Runs one `docker buildx build`, streaming its progress into the parser and a readable plain log.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from './exec.js';
import { PlainProgress, RawJsonProgress } from './progress.js';
import type { InvocationResult } from './record.js';
import { summarizeVertices } from './steps.js';
import type { PlannedBuild } from './plan.js';
import { buildxArgv } from './argv.js';
import type { BuildConfig } from '../config/types.js';

export interface RunOptions {
  exec: Exec;
  env?: NodeJS.ProcessEnv;
  build: BuildConfig;
  progress: 'rawjson' | 'plain';
  cacheFrom: string[];
  tmpDir: string;
  /** Receives the readable log, one line at a time. */
  log: (line: string) => void;
  index: number;
}

export interface RunOutcome extends InvocationResult {
  argv: string[];
  /** Text buildx printed outside the progress stream (its final `ERROR: …`). */
  textLines: string[];
}

export async function runPlannedBuild(planned: PlannedBuild, opts: RunOptions): Promise<RunOutcome> {
  const metadataFile = join(opts.tmpDir, `metadata-${opts.index}.json`);
  const argv = buildxArgv(planned, { build: opts.build, progress: opts.progress, metadataFile, cacheFrom: opts.cacheFrom });
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
