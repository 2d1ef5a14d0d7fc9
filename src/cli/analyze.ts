// `layerwise analyze IMAGE|FILE.tar|-`: measure an image layer by layer — sizes, the instruction and
// Dockerfile line of each layer, largest files, waste and known junk — as a terminal table and/or JSON.
import { statSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { compareForCli } from './compare.js';
import { RULE_NAMES } from '../config/budget.js';
import { flagHelp } from '../config/cli.js';
import type { Config } from '../config/types.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderComparison } from '../report/terminal.js';
import { analyzeImage } from '../image/analyze.js';
import { analysisToJson } from '../image/json.js';
import { daemonImage, dockerClient, imageArchiveFile, imageArchiveStream, registryImage, type ImageSource } from '../image/sources.js';
import { renderAnalysisTable } from '../image/table.js';
import type { ImageAnalysis } from '../image/types.js';
import { classifyImageArgument, type PathKind } from './image-arg.js';
import { cliConfig, cliStageGraph } from './shared.js';
import type { CliIO, Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise analyze IMAGE|FILE.tar|- [flags]

Measures an image layer by layer: compressed and uncompressed size, the instruction and Dockerfile line
that made each layer, its largest files, wasted bytes (files a later layer deletes or overwrites) and
known leftovers (package caches, .git, /tmp, toolchains, docs) with a one-line fix.

  IMAGE              an image in the Docker daemon (both classic and containerd image stores)
  FILE.tar | -       a \`docker save\` or OCI-layout tar file, or one on stdin; an existing file wins, and an
                     argument written as a path (/x, ./x, x.tar) is never taken for an image

With --baseline, --markdown, --budget-file or a budget flag the image is also compared and checked:
exit 1 when a fail rule is exceeded (default budget file: .github/layerwise.yml, when present).

${flagHelp('analyze')}

Sizes: "compressed" is what a pull downloads (the manifest's blob sizes; for a classic-store daemon, which
keeps no compressed blobs, computed with gzip -6 and marked ≈). "size" is the sum of regular-file bytes,
what \`docker history\` shows. MB = 10^6 bytes.`;

const COMPARE_OPTIONS = ['baseline', 'markdown', 'budget-file', 'fail-on', ...RULE_NAMES];

export interface AnalyzeCliOptions {
  image: string;
  config: Config;
  /** Set when a baseline or a budget is asked for: the run ends with a verdict. */
  compare?: { baseline?: string; markdown?: string };
  json?: string;
  /** The Dockerfile the image was built from, when given: stage and line per layer. */
  dockerfile?: string;
  host?: string;
  platform?: string;
  registry: boolean;
}

export function parseAnalyzeFlags(argv: string[], io: Pick<CliIO, 'cwd' | 'env'>): AnalyzeCliOptions | 'help' {
  const { config, values, positionals, help } = cliConfig('analyze', argv, io);
  if (help) return 'help';
  if (positionals.length !== 1) {
    throw new InputError(
      `layerwise analyze: expected one IMAGE, FILE.tar or -, got ${positionals.length ? positionals.map((p) => `'${p}'`).join(' ') : 'none'}`,
    );
  }
  const platform = config.build.platforms[0];
  if (platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
    throw new InputError(`layerwise analyze --platform: expected os/arch[/variant] such as linux/amd64, got '${platform}'`);
  }
  const compare = COMPARE_OPTIONS.some((name) => values.given(name))
    ? { baseline: values.optional('baseline'), markdown: values.optional('markdown') }
    : undefined;
  return {
    image: positionals[0],
    config,
    ...(compare ? { compare } : {}),
    json: values.optional('json-file'),
    dockerfile: values.given('dockerfile') ? config.build.dockerfile : undefined,
    host: values.optional('host'),
    platform,
    registry: values.flag('registry'),
  };
}

function pathKind(arg: string, cwd: string): PathKind {
  const st = statSync(isAbsolute(arg) ? arg : resolve(cwd, arg), { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

/** Where IMAGE is read from; `daemon` when its engine built it (that engine's frontend rules apply to --file). */
function locate(opts: AnalyzeCliOptions, io: CliIO, flag = 'layerwise analyze'): { source: ImageSource; daemon: boolean } {
  const arg = classifyImageArgument(opts.image, (p) => pathKind(p, io.cwd), flag);
  if (arg.kind === 'stdin') return { source: imageArchiveStream(process.stdin, 'stdin'), daemon: false };
  if (arg.kind === 'file') return { source: imageArchiveFile(isAbsolute(arg.path) ? arg.path : resolve(io.cwd, arg.path)), daemon: false };
  if (opts.registry) return { source: registryImage(arg.ref), daemon: false };
  return { source: daemonImage(arg.ref, dockerClient(opts.host ?? io.env.DOCKER_HOST)), daemon: true };
}

/** Analyses and prints (table unless --json -, JSON when asked). The lead's pipeline calls this too. */
export async function analyzeAndPrint(opts: AnalyzeCliOptions, io: CliIO): Promise<ImageAnalysis> {
  const { source, daemon } = locate(opts, io);
  const graph = opts.dockerfile ? await cliStageGraph(opts.config, io, { command: 'analyze', host: opts.host, askEngine: daemon }) : undefined;
  const top = opts.config.topFiles;
  const analysis = await analyzeImage(source, { topFiles: top, graph, platform: opts.platform });
  const json = `${JSON.stringify(analysisToJson(analysis), null, 2)}\n`;
  if (opts.json === '-') io.out(json.trimEnd());
  else {
    io.out(renderAnalysisTable(analysis, { topFiles: Math.min(top, 5) }));
    if (opts.json) {
      const path = isAbsolute(opts.json) ? opts.json : resolve(io.cwd, opts.json);
      try {
        writeFileSync(path, json);
      } catch (err) {
        throw new InputError(`layerwise analyze --json: cannot write ${opts.json} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
  for (const w of opts.json === '-' ? (analysis.warnings ?? []) : []) io.err(`warning: ${termText(w)}`);
  return analysis;
}

export const analyzeCommand: Command = async (argv, io) => {
  const opts = parseAnalyzeFlags(argv, io);
  if (opts === 'help') {
    io.out(HELP);
    return 0;
  }
  const analysis = await analyzeAndPrint(opts, io);
  if (!opts.compare) return 0;
  const { report, exitCode } = await compareForCli(analysis, {
    baseline: opts.compare.baseline,
    imageKey: opts.config.imageKey,
    rules: opts.config.budget,
    cwd: io.cwd,
    imageSource: (ref) => locate({ ...opts, image: ref }, io, 'layerwise analyze --baseline').source,
    analyzeOptions: { platform: opts.platform, topFiles: opts.config.topFiles },
    topFiles: opts.config.topFiles,
  });
  if (opts.compare.markdown) writeFileSync(resolve(io.cwd, opts.compare.markdown), renderMarkdown(report));
  // With --json - stdout is the analysis JSON; the verdict goes to stderr then.
  const say = opts.json === '-' ? io.err : io.out;
  say(renderComparison(report));
  return exitCode;
};
