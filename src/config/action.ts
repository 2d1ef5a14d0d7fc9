// The action's surface of the option table: inputs by name, as @actions/core's getInput returns them.
// It takes a getter instead of calling @actions/core, so tests hand in plain data and main.ts hands in
// core.getInput.
import { readConfig } from './read.js';
import { actionInputs, type OptionDef } from './options.js';
import type { Config } from './types.js';
import { OptionValues } from './values.js';

/** Returns the raw input ('' when unset), as core.getInput does. */
export type InputGetter = (name: string) => string;

export interface ReadActionOptions {
  get: InputGetter;
  env: Record<string, string | undefined>;
  /** Text of a file, or undefined when it does not exist (the budget file is optional). */
  readText: (path: string) => string | undefined;
}

const INPUTS = new Set(actionInputs().map((d) => d.name));

/** A default that is a workflow expression (`${{ github.token }}`) is the runner's to fill, not ours. */
export function literalDefault(def: OptionDef, fallback = def.default): string | undefined {
  return fallback?.startsWith('${{') ? undefined : fallback;
}

export function actionValues(get: InputGetter, env: Record<string, string | undefined>): OptionValues {
  return new OptionValues({
    takes: (def) => INPUTS.has(def.name),
    get: (def) => (INPUTS.has(def.name) ? get(def.name) : ''),
    defaultOf: (def) => literalDefault(def),
    label: (def) => `input ${def.name}`,
    env,
  });
}

/** The whole action config: inputs, then budgets from the inputs and the budget file. */
export function readActionConfig(opts: ReadActionOptions): Config {
  return readConfig(actionValues(opts.get, opts.env), { env: opts.env, readText: opts.readText });
}
