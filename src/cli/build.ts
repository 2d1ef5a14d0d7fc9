// `layerwise build`: the pipeline's build step from a terminal — every needed stage built with its own
// registry cache, the final image loaded (and pushed with --push), a short summary and optional JSON.
import { termText } from '../core/terminal-text.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { BuildFailedError, buildWithStageCaches } from '../buildx/build.js';
import type { BuildRecord } from '../buildx/types.js';
import { defaultCacheRepo, normaliseCacheRepo } from '../cache/refs.js';
import { InputError } from '../core/errors.js';
import { boolFlag, listFlag, parseFlags, parseKeyValues, stringFlag, type FlagSpec, type ParsedFlags } from '../config/flags.js';
import type { CacheMode, Config } from '../config/types.js';
import { buildStageGraph } from '../dockerfile/graph.js';
import type { RunContext } from '../core/run-context.js';
import type { Command, CliIO } from './types.js';

const HELP = `usage: layerwise build [--file F] [--context DIR] [--target T] [--cache-repo R] [--scope S]
                      [--fallback-scope S …] [--mode auto|inline|registry] [--build-arg K=V …] [--tag T …]
                      [--push] [--read-only] [--json FILE]

Builds every stage the target needs with its own registry cache (tag <stage>--<scope> in the cache
repository), feeding all of them back as --cache-from, then loads the final image into the daemon.

  -f, --file F            Dockerfile (default <context>/Dockerfile)
  -c, --context DIR       build context (default .)
      --target T          stage to build (default the last stage)
      --cache-repo R      cache repository, e.g. ghcr.io/acme/app-buildcache (default <first --tag repo>-buildcache;
                          none: no caching)
      --scope S           scope this build reads first and writes (default br-<current git branch>)
      --fallback-scope S  further scopes to read, e.g. br-main (repeatable)
      --mode M            auto (registry cache where the builder can export it, else inline), inline, registry
      --max-sources N     most --cache-from refs per build (default 20)
      --build-arg K=V     build argument (repeatable)
      --secret SPEC       passed to every stage build as --secret (repeatable)
      --platform P        target platform(s) (repeatable)
      --builder B         buildx builder (default: the current one)
      --label K=V         label for the final image (repeatable)
      --no-cache          run every step (each stage once)
  -t, --tag T             final image tag (repeatable)
      --push              push the final image to its tags
      --read-only         read caches only: push nothing (what fork pull requests get)
      --json FILE         write {"build": {stages[{name,steps,cachedSteps,seconds,cacheRef,pushed,…}], cacheHitRatio, …}}
Environment: DOCKER_HOST, DOCKER_CONFIG (registry credentials) as for docker itself.`;

export interface BuildCommandOptions {
  config: Config;
  ctx: RunContext;
  labels: Record<string, string>;
  json?: string;
}

function gitBranch(dir: string): string | undefined {
  try {
    const b = execFileSync('git', ['-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return b && b !== 'HEAD' ? b : undefined;
  } catch {
    return undefined;
  }
}

/** The build flags; `layerwise run` takes them too, plus its own. */
export const BUILD_FLAGS: FlagSpec = {
  file: { type: 'string', short: 'f' },
  context: { type: 'string', short: 'c' },
  target: { type: 'string' },
  'cache-repo': { type: 'string' },
  scope: { type: 'string' },
  'fallback-scope': { type: 'string', multiple: true },
  mode: { type: 'string' },
  'max-sources': { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  platform: { type: 'string', multiple: true },
  builder: { type: 'string' },
  label: { type: 'string', multiple: true },
  'no-cache': { type: 'boolean' },
  tag: { type: 'string', short: 't', multiple: true },
  push: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function parseBuildFlags(argv: string[], io: Pick<CliIO, 'cwd'>): BuildCommandOptions | 'help' {
  const flags = parseFlags('build', argv, BUILD_FLAGS);
  if (boolFlag(flags, 'help')) return 'help';
  return buildOptionsFromFlags('build', flags, io);
}

/** Typed build options from parsed flags; `command` names the command in error messages. */
export function buildOptionsFromFlags(command: string, flags: ParsedFlags, io: Pick<CliIO, 'cwd'>): BuildCommandOptions {
  if (flags.positionals.length) throw new InputError(`layerwise ${command}: unexpected argument '${flags.positionals[0]}' (expected flags only; the context goes in --context)`);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const context = at(stringFlag(flags, 'context') ?? '.');
  const dockerfile = at(stringFlag(flags, 'file') ?? resolve(context, 'Dockerfile'));
  const mode = (stringFlag(flags, 'mode') ?? 'auto') as CacheMode;
  if (!['auto', 'inline', 'registry'].includes(mode)) throw new InputError(`layerwise ${command} --mode: expected auto, inline or registry, got '${mode}'`);
  const maxRaw = stringFlag(flags, 'max-sources') ?? '20';
  const maxSources = Number(maxRaw);
  if (!/^\d+$/.test(maxRaw) || maxSources < 1) throw new InputError(`layerwise ${command} --max-sources: expected a whole number ≥ 1, got '${maxRaw}'`);
  const tags = listFlag(flags, 'tag');
  const repoFlag = stringFlag(flags, 'cache-repo');
  const repo = repoFlag ? normaliseCacheRepo(repoFlag, `layerwise ${command} --cache-repo`) : tags[0] ? defaultCacheRepo(tags[0]) : undefined;
  const readOnly = boolFlag(flags, 'read-only');
  const target = stringFlag(flags, 'target');
  if (target === '') throw new InputError(`layerwise ${command} --target: empty (expected a stage name)`);
  const config: Config = {
    mode: 'build',
    imageKey: target ?? 'image',
    build: {
      dockerfile, context, target,
      buildArgs: parseKeyValues(listFlag(flags, 'build-arg'), `layerwise ${command} --build-arg`),
      secrets: listFlag(flags, 'secret'),
      platforms: listFlag(flags, 'platform'),
      noCache: boolFlag(flags, 'no-cache'),
      builder: stringFlag(flags, 'builder'),
      tags,
      push: boolFlag(flags, 'push'),
      load: true,
    },
    cache: { repo, mode, scope: stringFlag(flags, 'scope'), fallbackScopes: listFlag(flags, 'fallback-scope'), writePrScope: false, maxSources },
    budget: [], topFiles: 10, comment: false, commentAuthor: '', allowUntrustedBuild: false, skipUnchanged: false,
    cleanupIntermediateImages: false, reportPath: '', prune: { retention: '', dryRun: true },
  };
  const ctx: RunContext = {
    event: 'cli', repository: '', sha: '', branch: gitBranch(context) ?? 'local', fork: false, actor: 'cli',
    readOnly, canComment: false, untrustedHead: false,
  };
  return { config, ctx, labels: parseKeyValues(listFlag(flags, 'label'), `layerwise ${command} --label`), json: stringFlag(flags, 'json') };
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
  let text: string;
  try {
    text = readFileSync(config.build.dockerfile, 'utf8');
  } catch (err) {
    throw new InputError(`layerwise build --file: cannot read ${config.build.dockerfile} (${(err as NodeJS.ErrnoException).code ?? 'error'}; expected a readable Dockerfile)`);
  }
  const graph = buildStageGraph(text, { file: relative(io.cwd, config.build.dockerfile) || config.build.dockerfile, target: config.build.target, buildArgs: config.build.buildArgs, platform: config.build.platforms[0] });
  if (!config.cache.repo) io.err('warning: no --cache-repo and no --tag: building without stage caches');
  let record: BuildRecord;
  try {
    record = await buildWithStageCaches({ config, graph, ctx: opts.ctx, labels: opts.labels, env: io.env, log: (l) => io.err(l) });
  } catch (err) {
    if (!(err instanceof BuildFailedError)) throw err;
    io.err(`layerwise build: ${err.message}`);
    if (opts.json) writeFileSync(resolve(io.cwd, opts.json), `${JSON.stringify({ build: err.record, error: err.message }, null, 2)}\n`);
    return 1;
  }
  io.out(renderSummary(record));
  if (opts.json) writeFileSync(resolve(io.cwd, opts.json), `${JSON.stringify({ build: record }, null, 2)}\n`);
  return 0;
};
