// The action: reads the config and the run context, runs the chosen mode, sets outputs. The one place that
// calls setFailed — for a failed budget, a failed build, or bad input, always in one line.
import * as core from '@actions/core';
import { existsSync, readFileSync } from 'node:fs';
import { buildMode } from './action/build-mode.js';
import type { ModeOutcome } from './action/outcome.js';
import { pruneMode } from './action/prune-mode.js';
import { reportMode } from './action/report-mode.js';
import { readActionConfig } from './config/action.js';
import { secretValues } from './report/redact.js';
import { loadRunContext } from './run-context/runner-files.js';
import { checkOutputs } from './publish/outputs.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const config = readActionConfig({ get: (name) => core.getInput(name), env, readText: readOptionalText });
    if (config.githubToken) core.setSecret(config.githubToken);
    // BuildKit prints build-arg values in its step names: the runner masks these in the log.
    for (const value of secretValues(config.build.buildArgs)) core.setSecret(value);
    const ctx = loadRunContext(env);
    let outcome: ModeOutcome;
    if (config.mode === 'report') outcome = await reportMode(config, ctx);
    else if (config.mode === 'prune') outcome = await pruneMode(config, ctx, env);
    else outcome = await buildMode(config, ctx, env);
    // One check for every mode: each value in its exact form or empty (report mode's come from a fork's artifact).
    const { outputs, warnings } = checkOutputs(outcome.outputs);
    warnings.forEach((w) => core.warning(w));
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    if (outcome.failure) core.setFailed(outcome.failure);
  } catch (err) {
    core.setFailed(oneLine((err as Error).message ?? String(err)));
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The budget file is optional: absent is not an error (a named but missing one is, in the config reader). */
function readOptionalText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
