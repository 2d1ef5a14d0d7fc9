// `mode: report` — in a `workflow_run` workflow: post the comment for a report a `pull_request` run uploaded.
// The report is untrusted (a fork wrote it); publishUntrustedReport validates and escapes it.
import * as core from '@actions/core';
import type { Config } from '../config/types.js';
import { InputError } from '../core/errors.js';
import { createOctokit } from '../github/octokit.js';
import { publishUntrustedReport } from '../publish/publish.js';
import { readReportArtifact } from '../run-context/runner-files.js';
import type { RunContext } from '../core/run-context.js';
import { actionOutputs } from '../publish/outputs.js';
import { verdictFailure } from './build-mode.js';
import type { ModeOutcome } from './outcome.js';

export async function reportMode(config: Config, ctx: RunContext): Promise<ModeOutcome> {
  if (!config.githubToken) throw new InputError('input github-token: report mode needs a token with pull-requests: write');
  const reportText = readReportArtifact(config.reportPath);
  const result = await publishUntrustedReport({
    ctx,
    reportText,
    reportFile: config.reportPath,
    octokit: createOctokit(config.githubToken),
    config,
  });
  core.info(`layerwise: report for PR ${result.pr ?? '(none)'}: comment ${result.comment.action}${result.reason ? ` (${result.reason})` : ''}`);
  if (!result.report) return { outputs: {} };
  // The PR's own check already failed on its verdict; failing here too keeps the workflow_run red alike.
  return { outputs: actionOutputs(result.report, config.reportPath), failure: verdictFailure(result.report) };
}
