// `layerwise run`: the action's whole pipeline from a terminal — per-stage cached build (or an up-to-date
// skip), layer analysis, baseline comparison and budget — printed for people, written as JSON and Markdown.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliBaselineStore, cliBudgetRules } from './compare.js';
import { BuildFailedError } from '../buildx/build.js';
import { BUDGET_FLAGS, budgetInputsFromFlags } from '../config/budget.js';
import { InputError } from '../core/errors.js';
import { boolFlag, parseFlags, stringFlag, type FlagSpec } from '../config/flags.js';
import { renderAnalysisTable } from '../image/table.js';
import { realPipelineIO } from '../pipeline/adapters.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { renderComparison } from '../report/terminal.js';
import type { Report } from '../report/types.js';
import { BUILD_FLAGS, buildOptionsFromFlags, renderSummary } from './build.js';
import type { Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise run [build flags] [budget flags] [--baseline IMAGE|REPORT.json] [--image-key K]
                    [--top N] [--json FILE] [--markdown FILE] [--no-skip-unchanged]

The action's pipeline in a terminal: builds every stage the target needs with its own registry cache
(or skips the build when an image for the same inputs is in the cache repository), measures the image
layer by layer, compares it with the baseline and checks the budget. Exit 0 pass or warn, 1 failed budget
or build, 2 bad input.

Build flags: as \`layerwise build --help\` (--file, --context, --target, --cache-repo, --scope, --mode, …).
Budget flags: --max-size, --max-compressed-size, --max-uncompressed-size, --max-growth, --max-layers,
              --max-wasted, --min-efficiency, --max-layer-size, --fail-on, --budget-file (as the action inputs).
      --baseline X          compare with an image (daemon, or registry ref) or an earlier --json report
      --image-key K         name of this image in reports and budget files (default the target)
      --top N               largest files kept per layer (default 10)
      --json FILE           write the JSON report (docs/report.schema.json)
      --markdown FILE       write the Markdown the PR comment shows
      --no-skip-unchanged   build even when an image for the same inputs exists`;

const RUN_FLAGS: FlagSpec = {
  ...BUILD_FLAGS,
  ...BUDGET_FLAGS,
  baseline: { type: 'string' },
  'image-key': { type: 'string' },
  top: { type: 'string' },
  markdown: { type: 'string' },
  'no-skip-unchanged': { type: 'boolean' },
};

export const runCommand: Command = async (argv, io) => {
  const flags = parseFlags('run', argv, RUN_FLAGS);
  if (boolFlag(flags, 'help')) {
    io.out(HELP);
    return 0;
  }
  const { config, ctx, json } = buildOptionsFromFlags('run', flags, io);
  const topRaw = stringFlag(flags, 'top') ?? '10';
  if (!/^\d+$/.test(topRaw) || Number(topRaw) < 1) throw new InputError(`layerwise run --top: expected a whole number ≥ 1, got '${topRaw}'`);
  config.topFiles = Number(topRaw);
  config.imageKey = stringFlag(flags, 'image-key') ?? config.build.target ?? 'image';
  config.skipUnchanged = !boolFlag(flags, 'no-skip-unchanged');
  config.reportPath = json ? resolve(io.cwd, json) : join(tmpdir(), `layerwise-report-${process.pid}.json`);
  config.budget = await cliBudgetRules({ cwd: io.cwd, budgetFile: stringFlag(flags, 'budget-file'), inputs: budgetInputsFromFlags(flags), imageKey: config.imageKey });
  const baselineArg = stringFlag(flags, 'baseline');

  const pipelineIO = realPipelineIO({
    config,
    env: io.env,
    log: (line) => io.err(line),
    warn: (message) => io.err(`warning: ${termText(message)}`),
    extraBaselineStores: baselineArg ? [cliBaselineStore({ cwd: io.cwd }, baselineArg)] : [],
  });
  let result;
  try {
    result = await runPipeline(config, ctx, pipelineIO);
  } catch (err) {
    if (!(err instanceof BuildFailedError)) throw err;
    io.err(`layerwise run: build failed: ${err.message}`);
    return 1;
  }
  const { report, markdown } = result;
  const markdownPath = stringFlag(flags, 'markdown');
  if (markdownPath) writeFileSync(resolve(io.cwd, markdownPath), markdown);
  io.out(renderTerminalReport(report, config.topFiles));
  return report.verdict.status === 'fail' ? 1 : 0;
};

/** The report for a terminal: build summary, layer table, comparison, verdict. */
export function renderTerminalReport(report: Report, topFiles: number): string {
  const out: string[] = [];
  const build = report.build;
  if (build?.upToDate) out.push(`up to date: build skipped, measured ${termText(build.upToDate.ref)}`);
  else if (build) out.push(renderSummary(build));
  out.push('', renderAnalysisTable(report.image, { topFiles: Math.min(topFiles, 5) }), '');
  out.push(renderComparison(report));
  return out.join('\n');
}
