// The global scope FROM lines are expanded in: automatic platform ARGs (and TARGETSTAGE, …, by frontend
// version), then the ARGs above the first FROM in order; a --build-arg overrides either.
import { inputError } from './errors.js';
import { ExpandError, ExpandLimitError, expandWord } from './expand.js';
import type { RawDockerfile } from './parse.js';
import { platformArgs, type Platform } from '../core/platform.js';
import type { FrontendRules } from './rules.js';

export interface ScopeInput {
  raw: RawDockerfile;
  buildArgs: Record<string, string>;
  target: Platform;
  builder: Platform;
  /** `--target` as given, else the last stage's name, else `default`. */
  targetStage: string;
  rules: FrontendRules;
  file: string;
  warnings: string[];
}

export function globalArgs({ raw, buildArgs, target, builder, targetStage, rules, file, warnings }: ScopeInput): Map<string, string> {
  const env = platformArgs(target, builder);
  if (rules.osVersionArgs) {
    env.set('BUILDOSVERSION', '');
    env.set('TARGETOSVERSION', '');
  }
  if (rules.targetStageArg) env.set('TARGETSTAGE', targetStage);
  for (const key of env.keys()) if (Object.hasOwn(buildArgs, key)) env.set(key, buildArgs[key]);
  for (const arg of raw.metaArgs) {
    if (Object.hasOwn(buildArgs, arg.name)) env.set(arg.name, buildArgs[arg.name]);
    else if (arg.value === null) {
      if (rules.argWithoutDefault === 'empty') env.set(arg.name, ''); // before 1.11: declared means set, to ""
    } else {
      try {
        env.set(arg.name, expandWord(arg.value, env, raw.escapeToken).result);
      } catch (err) {
        if (!(err instanceof ExpandError)) throw err;
        const shown = arg.value.length > 80 ? `${arg.value.slice(0, 77)}...` : arg.value;
        const what = `ARG ${arg.name}=${shown}: ${err.message}`;
        if (rules.badArgDefault === 'error' || err instanceof ExpandLimitError) throw inputError(file, arg.line, what, 'a valid $VAR or ${VAR…} expression');
        env.set(arg.name, ''); // frontends before 1.8 ignore the error and use an empty value
        warnings.push(`${file}:${arg.line}: ${what}; the value is empty`);
      }
    }
  }
  return env;
}
