// `layerwise analyze IMAGE|FILE.tar|-`: measure an image layer by layer — sizes, the instruction and
// Dockerfile line of each layer, largest files, waste and known junk — as a terminal table and/or JSON.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { compareForCli } from './compare.js';
import { BUDGET_FLAGS, budgetInputsFromFlags, type BudgetInputs } from '../config/budget.js';
import { boolFlag, parseFlags, stringFlag, type ParsedFlags } from '../config/flags.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderComparison } from '../report/terminal.js';
import { buildStageGraph } from '../dockerfile/graph.js';
import type { StageGraph } from '../dockerfile/types.js';
import { analyzeImage } from '../image/analyze.js';
import { analysisToJson } from '../image/json.js';
import { daemonImage, dockerClient, imageArchiveFile, imageArchiveStream, registryImage, type ImageSource } from '../image/sources.js';
import { renderAnalysisTable } from '../image/table.js';
import type { ImageAnalysis } from '../image/types.js';
import { classifyImageArgument, type PathKind } from './image-arg.js';
import type { CliIO, Command } from './types.js';

const HELP = `usage: layerwise analyze IMAGE|FILE.tar|- [--json FILE] [--top N] [--file Dockerfile] [--target T]
                         [--host DOCKER_HOST] [--platform P] [--registry]
                         [--baseline IMAGE|REPORT.json] [--image-key K] [--markdown FILE] [budget flags]

Measures an image layer by layer: compressed and uncompressed size, the instruction and Dockerfile line
that made each layer, its largest files, wasted bytes (files a later layer deletes or overwrites) and
known leftovers (package caches, .git, /tmp, toolchains, docs) with a one-line fix.

  IMAGE              an image in the Docker daemon (both classic and containerd image stores)
  FILE.tar | -       a \`docker save\` or OCI-layout tar file, or one on stdin; an existing file wins, and an
                     argument written as a path (/x, ./x, x.tar) is never taken for an image
      --json FILE    write the analysis as JSON (docs/analysis.schema.json); '-' for stdout (no table then)
      --top N        largest files kept per layer (default 5)
  -f, --file F       the Dockerfile the image was built from: adds stage and line to each layer
      --target T     the stage the image was built from (default the last one)
      --host H       Docker daemon address (unix:///path.sock or tcp://host:port; default DOCKER_HOST)
      --platform P   os/arch[/variant] to pick from a multi-platform image (default linux/<host arch>)
      --registry     read IMAGE from its registry (Registry API v2, docker config credentials)

Comparison and budget (exit 1 when a fail rule is exceeded):
      --baseline X   an image (same lookup as IMAGE) or an earlier layerwise JSON report to compare with
      --image-key K  the image's name in the budget file (default the target, else 'image')
      --markdown F   write the report as the PR comment shows it
      --max-size, --max-compressed-size, --max-uncompressed-size, --max-growth, --max-layers, --max-wasted,
      --min-efficiency, --max-layer-size, --fail-on, --budget-file   as the action inputs of the same names
      (default budget file: .github/layerwise.yml, when present)

Sizes: "compressed" is what a pull downloads (the manifest's blob sizes; for a classic-store daemon, which
keeps no compressed blobs, computed with gzip -6 and marked ≈). "size" is the sum of regular-file bytes,
what \`docker history\` shows. MB = 10^6 bytes.`;

export interface AnalyzeCliOptions {
  image: string;
  /** Set when a baseline or a budget is asked for: the run ends with a verdict. */
  compare?: { baseline?: string; imageKey: string; markdown?: string; budgetFile?: string; inputs: BudgetInputs };
  json?: string;
  top: number;
  dockerfile?: string;
  target?: string;
  host?: string;
  platform?: string;
  registry: boolean;
}

export function parseAnalyzeFlags(argv: string[]): AnalyzeCliOptions | 'help' {
  const flags = parseFlags('analyze', argv, {
    json: { type: 'string' },
    top: { type: 'string' },
    file: { type: 'string', short: 'f' },
    target: { type: 'string' },
    host: { type: 'string' },
    platform: { type: 'string' },
    registry: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    baseline: { type: 'string' },
    'image-key': { type: 'string' },
    markdown: { type: 'string' },
    ...BUDGET_FLAGS,
  });
  if (boolFlag(flags, 'help')) return 'help';
  if (flags.positionals.length !== 1) {
    throw new InputError(
      `layerwise analyze: expected one IMAGE, FILE.tar or -, got ${flags.positionals.length ? flags.positionals.map((p) => `'${p}'`).join(' ') : 'none'}`,
    );
  }
  const topRaw = stringFlag(flags, 'top');
  const top = topRaw === undefined ? 5 : Number(topRaw);
  if (!Number.isInteger(top) || top < 0 || top > 1000 || !/^\d+$/.test(topRaw ?? '5')) {
    throw new InputError(`layerwise analyze --top: expected a whole number from 0 to 1000, got '${topRaw}'`);
  }
  const platform = stringFlag(flags, 'platform');
  if (platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform)) {
    throw new InputError(`layerwise analyze --platform: expected os/arch[/variant] such as linux/amd64, got '${platform}'`);
  }
  for (const name of ['json', 'file', 'target', 'host'] as const) {
    if (stringFlag(flags, name) === '') throw new InputError(`layerwise analyze --${name}: empty value`);
  }
  return {
    image: flags.positionals[0],
    json: stringFlag(flags, 'json'),
    top,
    dockerfile: stringFlag(flags, 'file'),
    target: stringFlag(flags, 'target'),
    host: stringFlag(flags, 'host'),
    platform,
    registry: boolFlag(flags, 'registry'),
    compare: compareOptions(flags),
  };
}

function compareOptions(flags: ParsedFlags): AnalyzeCliOptions['compare'] {
  const inputs = budgetInputsFromFlags(flags);
  const baseline = stringFlag(flags, 'baseline');
  const budgetFile = stringFlag(flags, 'budget-file');
  const markdown = stringFlag(flags, 'markdown');
  if (!baseline && !budgetFile && !markdown && Object.keys(inputs).length === 0) return undefined;
  return { baseline, budgetFile, markdown, inputs, imageKey: stringFlag(flags, 'image-key') ?? stringFlag(flags, 'target') ?? 'image' };
}

function pathKind(arg: string, cwd: string): PathKind {
  const st = statSync(isAbsolute(arg) ? arg : resolve(cwd, arg), { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
}

function sourceFor(opts: AnalyzeCliOptions, io: CliIO, flag = 'layerwise analyze'): ImageSource {
  const arg = classifyImageArgument(opts.image, (p) => pathKind(p, io.cwd), flag);
  if (arg.kind === 'stdin') return imageArchiveStream(process.stdin, 'stdin');
  if (arg.kind === 'file') return imageArchiveFile(isAbsolute(arg.path) ? arg.path : resolve(io.cwd, arg.path));
  if (opts.registry) return registryImage(arg.ref);
  return daemonImage(arg.ref, dockerClient(opts.host ?? io.env.DOCKER_HOST));
}

function stageGraphFor(opts: AnalyzeCliOptions, io: CliIO): StageGraph | undefined {
  if (!opts.dockerfile) return undefined;
  const path = isAbsolute(opts.dockerfile) ? opts.dockerfile : resolve(io.cwd, opts.dockerfile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`layerwise analyze --file: cannot read ${opts.dockerfile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return buildStageGraph(text, { file: opts.dockerfile, target: opts.target, platform: opts.platform });
}

/** Analyses and prints (table unless --json -, JSON when asked). The lead's pipeline calls this too. */
export async function analyzeAndPrint(opts: AnalyzeCliOptions, io: CliIO): Promise<ImageAnalysis> {
  const graph = stageGraphFor(opts, io);
  const analysis = await analyzeImage(sourceFor(opts, io), { topFiles: opts.top, graph, platform: opts.platform });
  const json = `${JSON.stringify(analysisToJson(analysis), null, 2)}\n`;
  if (opts.json === '-') io.out(json.trimEnd());
  else {
    io.out(renderAnalysisTable(analysis, { topFiles: Math.min(opts.top, 5) }));
    if (opts.json) {
      const path = isAbsolute(opts.json) ? opts.json : resolve(io.cwd, opts.json);
      try {
        writeFileSync(path, json);
      } catch (err) {
        throw new InputError(`layerwise analyze --json: cannot write ${opts.json} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
  for (const w of opts.json === '-' ? (analysis.warnings ?? []) : []) io.err(`warning: ${w}`);
  return analysis;
}

export const analyzeCommand: Command = async (argv, io) => {
  const opts = parseAnalyzeFlags(argv);
  if (opts === 'help') {
    io.out(HELP);
    return 0;
  }
  const analysis = await analyzeAndPrint(opts, io);
  if (!opts.compare) return 0;
  const { report, exitCode } = await compareForCli(analysis, {
    ...opts.compare,
    cwd: io.cwd,
    imageSource: (ref) => sourceFor({ ...opts, image: ref }, io, 'layerwise analyze --baseline'),
    analyzeOptions: { platform: opts.platform, topFiles: opts.top },
    topFiles: opts.top,
  });
  if (opts.compare.markdown) writeFileSync(resolve(io.cwd, opts.compare.markdown), renderMarkdown(report));
  // With --json - stdout is the analysis JSON; the verdict goes to stderr then.
  const say = opts.json === '-' ? io.err : io.out;
  say(renderComparison(report));
  return exitCode;
};
