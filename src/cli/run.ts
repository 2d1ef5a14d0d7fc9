// `layerwise run`: the action's whole pipeline from a terminal — per-stage cached build (or an up-to-date
// skip), layer analysis, baseline comparison and budget — printed for people, written as JSON and Markdown.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cliBaselineStore } from './compare.js';
import { BuildFailedError } from '../buildx/build.js';
import { flagHelp, noPositionals } from '../config/cli.js';
import { renderAnalysisTable } from '../image/table.js';
import { realPipelineIO } from '../pipeline/adapters.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { renderComparison } from '../report/terminal.js';
import type { Report } from '../report/types.js';
import { renderSummary } from './build.js';
import { cliConfig, cliRunContext } from './shared.js';
import type { Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise run [flags]

The action's pipeline in a terminal: builds every stage the target needs with its own cache (or skips
the build when an image or stored result for the same inputs is in the cache repository), measures the image
layer by layer, compares it with the baseline and checks the budget. Exit 0 pass or warn, 1 failed budget
or build, 2 bad input. Budget flags take the action inputs' values; the budget file is read when present.

${flagHelp('run')}`;

export const runCommand: Command = async (argv, io) => {
  const parsed = cliConfig('run', argv, io);
  if (parsed.help) {
    io.out(HELP);
    return 0;
  }
  noPositionals('run', parsed, 'expected flags only; the context goes in --context');
  const { config, values } = parsed;
  const ctx = cliRunContext(config.build.context, values.flag('read-only'));
  const baselineArg = values.optional('baseline');

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
  const markdownPath = values.optional('markdown');
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
