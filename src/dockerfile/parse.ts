// Dockerfile text → raw stages: the lexer's instructions grouped by FROM, with every place a stage reads from
// another stage or image. Checks here are the ones BuildKit makes while parsing instructions, before any
// stage is resolved (frontend/dockerfile/instructions/parse.go).
import { InputError } from '../core/errors.js';
import { inputError } from './errors.js';
import { FlagError, flagWords, mountOptions, type FlagWord } from './flags.js';
import { detectSyntax, lexDockerfile, rawWords, type LexedInstruction } from './lexer.js';
import { invalidReference } from './reference.js';
import type { Instruction } from './types.js';

/**
 * A stage or image this instruction reads: `COPY --from=X` or `RUN --mount=…,from=X`. A mount without
 * `from=` reads a stage named `scratch` when there is one (`implicit`): BuildKit looks every such mount up
 * by that name, and a cache mount then starts from that stage.
 */
export interface SourceRef {
  via: 'copy' | 'mount';
  value: string;
  line: number;
  /** Mount type as written (lower case); only for mounts. */
  mountType?: string;
  implicit?: boolean;
}

/** An ONBUILD trigger: it runs in the stages built FROM this one, so its sources are theirs. */
export interface OnbuildTrigger {
  instruction: Instruction;
  sources: SourceRef[];
  /** BuildKit reads a trigger only when a stage using it is built: a bad one fails only then. */
  error?: InputError;
}

export interface RawStage {
  index: number;
  line: number;
  /** First FROM argument before ARG expansion. */
  base: string;
  /** `--platform` value as written; absent also for `--platform=` (BuildKit ignores an empty one). */
  platform?: string;
  /** `AS` name lower-cased, as BuildKit stores it. */
  name?: string;
  instructions: Instruction[];
  sources: SourceRef[];
  onbuild: OnbuildTrigger[];
}

export interface MetaArg {
  name: string;
  /** Default as written (quotes kept), null when the ARG has no default. */
  value: string | null;
  line: number;
}

export interface RawDockerfile {
  escapeToken: string;
  /** `# syntax=` directive: BuildKit pulls this frontend image and uses its rules instead of the engine's. */
  syntax?: string;
  metaArgs: MetaArg[];
  stages: RawStage[];
}

const KEYWORDS = ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];
const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export function parseDockerfile(text: string, file: string): RawDockerfile {
  const lexed = lexDockerfile(text, file);
  const metaArgs: MetaArg[] = [];
  const stages: RawStage[] = [];
  if (lexed.instructions.length === 0) throw inputError(file, 1, 'the Dockerfile has no instructions', 'at least one FROM');

  for (const ins of lexed.instructions) {
    const { line } = ins;
    const keyword = ins.keyword.toUpperCase();
    if (!KEYWORDS.includes(keyword)) {
      throw inputError(file, line, `unknown instruction '${ins.keyword}'`, `one of ${KEYWORDS.join(', ')}`);
    }
    if (keyword === 'FROM') {
      stages.push(parseFrom(ins, stages.length, file));
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      if (keyword !== 'ARG') throw inputError(file, line, `${keyword} before the first FROM`, 'only ARG may come before the first FROM');
      metaArgs.push(...parseArg(ins, lexed.escapeToken, file));
      continue;
    }
    stage.instructions.push({ keyword, line, text: ins.text });
    stage.sources.push(...sourcesOf(ins, line, file));
    if (keyword === 'ONBUILD') stage.onbuild.push(onbuildTrigger(ins, file));
  }
  if (stages.length === 0) {
    throw inputError(file, lexed.instructions[lexed.instructions.length - 1].line, 'no FROM instruction', 'at least one FROM to start a stage');
  }
  const syntax = detectSyntax(text);
  return { escapeToken: lexed.escapeToken, ...(syntax ? { syntax } : {}), metaArgs, stages };
}

function parseFrom(ins: LexedInstruction, index: number, file: string): RawStage {
  const { line } = ins;
  const args = ins.args === '' ? [] : ins.args.split(/[\t\v\f\r ]+/);
  const flags = flagWords(ins.flags);
  for (const f of flags) {
    if (f.name !== 'platform') throw inputError(file, line, `unknown flag --${f.name} on FROM`, 'only --platform');
  }
  const platform = stringFlag(flags, 'platform', 'FROM', line, file);
  let name: string | undefined;
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    name = args[2].toLowerCase();
    // BuildKit also looks every stage name up as a named build context, which must parse as an image name.
    if (!VALID_STAGE_NAME.test(name) || invalidReference(name)) {
      throw inputError(file, line, `invalid stage name '${args[2]}'`, 'a letter, then letters and digits, with "-", "_" or "." only between them');
    }
  } else if (args.length !== 1) {
    throw inputError(file, line, `FROM ${args.join(' ') || '(nothing)'}`, 'FROM [--platform=P] <image> [AS <name>]');
  }
  return {
    index,
    line,
    base: args[0],
    ...(platform ? { platform } : {}),
    name,
    instructions: [{ keyword: 'FROM', line, text: ins.text }],
    sources: [],
    onbuild: [],
  };
}

/** `ARG a b=1 c="x y"`: names, and defaults as written (quotes kept; BuildKit expands them later). */
function parseArg(ins: LexedInstruction, escape: string, file: string): MetaArg[] {
  const words = rawWords(ins.args, escape);
  if (words.length === 0) throw inputError(file, ins.line, 'ARG without a name', 'ARG <name>[=<default>]');
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq === 0) throw inputError(file, ins.line, `ARG ${w}: the name is empty`, 'ARG <name>[=<default>]');
    return eq < 0 ? { name: w, value: null, line: ins.line } : { name: w.slice(0, eq), value: w.slice(eq + 1), line: ins.line };
  });
}

/** A string flag that matters to the graph: `--name=value` once, in lower case. Undefined when absent. */
function stringFlag(flags: FlagWord[], name: string, keyword: string, line: number, file: string): string | undefined {
  const spelled = flags.filter((f) => f.name.toLowerCase() === name);
  const wrongCase = spelled.find((f) => f.name !== name);
  if (wrongCase) throw inputError(file, line, `${keyword} --${wrongCase.name}: flag names are case-sensitive`, `--${name}`);
  if (spelled.length > 1) throw inputError(file, line, `--${name} is given twice`, `one --${name}`);
  const flag = spelled[0];
  if (flag && flag.value === undefined) throw inputError(file, line, `${keyword} --${name} has no value`, `--${name}=<value>: BuildKit does not read --${name} <value>`);
  return flag?.value;
}

/** Stage sources of one instruction: `COPY --from=X` and every `RUN --mount`; `ADD --from` is refused. */
function sourcesOf(ins: LexedInstruction, line: number, file: string): SourceRef[] {
  const keyword = ins.keyword.toUpperCase();
  const flags = flagWords(ins.flags);
  if (keyword === 'COPY') {
    const from = stringFlag(flags, 'from', 'COPY', line, file);
    return from ? [{ via: 'copy', value: from, line }] : []; // `--from=` copies from the build context
  }
  if (keyword === 'ADD' && flags.some((f) => f.name.toLowerCase() === 'from')) {
    throw inputError(file, line, 'ADD does not take --from', 'COPY --from=<stage>');
  }
  if (keyword !== 'RUN') return [];
  const wrongCase = flags.find((f) => f.name !== 'mount' && f.name.toLowerCase() === 'mount');
  if (wrongCase) throw inputError(file, line, `RUN --${wrongCase.name}: flag names are case-sensitive`, '--mount');
  return flags.filter((f) => f.name === 'mount').map((f) => mountSource(f.value, line, file));
}

function mountSource(value: string | undefined, line: number, file: string): SourceRef {
  if (value === undefined) throw inputError(file, line, 'RUN --mount has no value', '--mount=type=…,target=…');
  let opts;
  try {
    opts = mountOptions(value);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    throw inputError(file, line, `RUN --mount=${value}: ${err.message}`, 'comma-separated key=value options (CSV)');
  }
  const from = opts.from ?? '';
  // BuildKit refuses `$` followed by anything in from= before it expands other options.
  if (/\$./.test(from)) {
    throw inputError(file, line, `RUN --mount from=${from}: 'from' does not support variable expansion`, 'a stage name; define an alias stage `FROM ${VAR} AS name` instead');
  }
  if (from === '') return { via: 'mount', value: 'scratch', line, mountType: opts.type, implicit: true };
  return { via: 'mount', value: from, line, mountType: opts.type };
}

function onbuildTrigger(ins: LexedInstruction, file: string): OnbuildTrigger {
  const { line } = ins;
  const trigger = ins.trigger;
  const word = (trigger?.keyword ?? '').toUpperCase();
  if (!trigger || word === '') throw inputError(file, line, 'ONBUILD has no instruction', 'ONBUILD <instruction>');
  if (word === 'ONBUILD') throw inputError(file, line, 'ONBUILD ONBUILD is not allowed', 'one instruction after ONBUILD');
  if (word === 'FROM' || word === 'MAINTAINER') throw inputError(file, line, `${word} is not allowed as an ONBUILD trigger`, 'RUN, COPY, ENV, …');
  const instruction = { keyword: word, line, text: trigger.text };
  try {
    if (!KEYWORDS.includes(word)) throw inputError(file, line, `unknown instruction '${trigger.keyword}' in ONBUILD`, `one of ${KEYWORDS.join(', ')}`);
    return { instruction, sources: sourcesOf(trigger, line, file) };
  } catch (err) {
    if (err instanceof InputError) return { instruction, sources: [], error: err };
    throw err;
  }
}
