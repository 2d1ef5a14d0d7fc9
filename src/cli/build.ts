// `layerwise build`: the pipeline's build step from a terminal — every needed stage built with its own
// registry cache, the final image loaded (and pushed with --push), a short summary and optional JSON.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { termText } from '../core/terminal-text.js';
import { BuildFailedError, buildWithStageCaches } from '../buildx/build.js';
import { describeCheck } from '../buildx/checks.js';
import type { BuildRecord } from '../buildx/types.js';
import { flagHelp, noPositionals } from '../config/cli.js';
import type { Config } from '../config/types.js';
import type { RunContext } from '../core/run-context.js';
import { cliConfig, cliRunContext, cliStageGraph } from './shared.js';
import type { Command, CliIO } from './types.js';

const HELP = `usage: layerwise build [flags]

Builds every stage the target needs with its own cache (tag <stage>--<scope> in the cache repository, or
scope <image-key>/<stage>/<scope> in the Actions cache with --mode gha), feeding all of them back as
--cache-from, then loads the final image into the daemon.
Environment: DOCKER_HOST, DOCKER_CONFIG (registry credentials) as for docker itself.

${flagHelp('build')}`;

export interface BuildCommandOptions {
  config: Config;
  ctx: RunContext;
  /** `--json FILE`: the build record as JSON. */
  json?: string;
}

/** The build command's flags as the pipeline's Config, and the run context of a terminal. */
export function parseBuildFlags(argv: string[], io: Pick<CliIO, 'cwd' | 'env'>): BuildCommandOptions | 'help' {
  const parsed = cliConfig('build', argv, io);
  if (parsed.help) return 'help';
  noPositionals('build', parsed, 'expected flags only; the context goes in --context');
  const { config, values } = parsed;
  return { config, ctx: cliRunContext(config.build.context, values.flag('read-only')), json: values.optional('json-file') };
}

export function renderSummary(record: BuildRecord): string {
  const pct = (record.cacheHitRatio * 100).toFixed(0);
  const lines = [`layerwise build: ${record.cachedSteps}/${record.totalSteps} Dockerfile steps cached (${pct}%), ${record.seconds.toFixed(1)}s, ${record.mode} cache`];
  const width = Math.max(5, ...record.stages.map((s) => termText(s.name).length));
  lines.push(`  ${'stage'.padEnd(width)}  steps  cached  seconds  cache`);
  for (const s of record.stages) {
    const cache = s.cacheRef ? `${termText(s.cacheRef)} (${s.cacheWrite ?? (s.pushed ? 'pushed' : 'read')})` : s.cacheWrite === 'failed' ? 'write failed' : '-';
    lines.push(`  ${termText(s.name).padEnd(width)}  ${String(s.steps).padStart(5)}  ${String(s.cachedSteps).padStart(6)}  ${s.seconds.toFixed(1).padStart(7)}  ${cache}`);
  }
  if (record.cachePolicy) lines.push(`  cache policy: ${record.cachePolicy.reason}`);
  if (record.imageId) lines.push(`  image ${record.imageId}${record.digest && record.digest !== record.imageId ? ` (digest ${record.digest})` : ''}`);
  if (record.context) lines.push(`  context ${(record.context.bytes / 1e6).toFixed(1)} MB in ${record.context.files} files`);
  for (const c of record.checks ?? []) lines.push(`Dockerfile check: ${termText(describeCheck(c))}`);
  for (const w of record.warnings) lines.push(`warning: ${termText(w)}`);
  return lines.join('\n');
}

export const buildCommand: Command = async (argv, io) => {
  const opts = parseBuildFlags(argv, io);
  if (opts === 'help') {
    io.out(HELP);
    return 0;
  }
  const { config } = opts;
  const graph = await cliStageGraph(config, io, { command: 'build', askEngine: true });
  let record: BuildRecord;
  try {
    record = await buildWithStageCaches({ config, graph, ctx: opts.ctx, env: io.env, log: (l) => io.err(l) });
  } catch (err) {
    if (!(err instanceof BuildFailedError)) throw err;
    io.err(`layerwise build: ${err.message}`);
    if (opts.json) writeFileSync(resolve(io.cwd, opts.json), `${JSON.stringify({ build: err.record, error: err.message }, null, 2)}\n`);
    return 1;
  }
  // Said after the build: with no cache repository, `auto` may still have found the Actions cache (gha mode).
  if (record.mode !== 'gha' && !record.cacheRepo) io.err('warning: no --cache-repo, no --tag and no Actions cache: built without stage caches');
  io.out(renderSummary(record));
  if (opts.json) writeFileSync(resolve(io.cwd, opts.json), `${JSON.stringify({ build: record }, null, 2)}\n`);
  return 0;
};
