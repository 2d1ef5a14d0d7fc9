// Dockerfile text → raw stages (dockerfile-ast does the lexing: directives, escape char, continuations,
// heredocs). Checks here are the ones BuildKit's parser makes before any stage is resolved
// (frontend/dockerfile/instructions/parse.go).
import { DockerfileParser, type Instruction as AstInstruction, type Flag, Add, Arg, Copy, From, Onbuild, Run } from 'dockerfile-ast';
import type { Instruction } from './types.js';
import { inputError } from './errors.js';
import { invalidReference } from './reference.js';

/** A `--from` (COPY) or `from=` (RUN --mount) value, as written. */
export interface SourceRef {
  via: 'copy' | 'mount';
  value: string;
  line: number;
}

export interface RawStage {
  index: number;
  line: number;
  /** First FROM argument before ARG expansion. */
  base: string;
  platform?: string;
  /** `AS` name lower-cased, as BuildKit stores it. */
  name?: string;
  instructions: Instruction[];
  sources: SourceRef[];
  /** `--from`/`from=` values inside this stage's ONBUILD triggers: they run in stages built FROM this one. */
  onbuildSources: SourceRef[];
  /** The ONBUILD triggers themselves (keyword and text of the trigger, line of the ONBUILD). */
  onbuildTriggers: Instruction[];
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
  const ast = DockerfileParser.parse(text);
  const metaArgs: MetaArg[] = [];
  const stages: RawStage[] = [];
  const all = ast.getInstructions();
  if (all.length === 0) throw inputError(file, 1, 'the Dockerfile has no instructions', 'at least one FROM');

  for (const ins of all) {
    const line = ins.getRange().start.line + 1;
    const keyword = ins.getKeyword();
    if (!KEYWORDS.includes(keyword)) {
      throw inputError(file, line, `unknown instruction '${ins.getInstruction()}'`, `one of ${KEYWORDS.join(', ')}`);
    }
    if (ins instanceof From) {
      stages.push(parseFrom(ins, stages.length, line, file));
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) {
      if (keyword !== 'ARG') throw inputError(file, line, `${keyword} before the first FROM`, 'only ARG may come before the first FROM');
      // getUnescapedValue keeps the quotes: BuildKit expands the default as a shell word, quotes included.
      for (const p of (ins as Arg).getProperties()) metaArgs.push({ name: p.getName(), value: p.getUnescapedValue(), line });
      continue;
    }
    stage.instructions.push({ keyword, line, text: instructionText(ins) });
    stage.sources.push(...sourcesOf(ins, line, file));
    if (ins instanceof Onbuild) {
      stage.onbuildSources.push(...onbuildSources(ins, line, file));
      const trigger = ins.getTriggerInstruction();
      if (trigger) stage.onbuildTriggers.push({ keyword: trigger.getKeyword(), line, text: instructionText(trigger) });
    }
  }
  if (stages.length === 0) {
    const last = all[all.length - 1].getRange().start.line + 1;
    throw inputError(file, last, 'no FROM instruction', 'at least one FROM to start a stage');
  }
  const syntax = ast.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax')?.getValue();
  return { escapeToken: ast.getEscapeCharacter(), ...(syntax ? { syntax } : {}), metaArgs, stages };
}

function parseFrom(ins: From, index: number, line: number, file: string): RawStage {
  const args = ins.getArguments().map((a) => a.getValue());
  const flags = ins.getFlags();
  rejectDuplicateFlag(flags, 'platform', line, file);
  for (const f of flags) {
    if (f.getName().toLowerCase() !== 'platform') throw inputError(file, line, `unknown flag --${f.getName()} on FROM`, 'only --platform');
  }
  const platformFlag = flags.find((f) => f.getName().toLowerCase() === 'platform');
  let name: string | undefined;
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    name = args[2].toLowerCase();
    // BuildKit also looks every stage name up as a named build context, which must parse as an image name.
    if (!VALID_STAGE_NAME.test(name) || invalidReference(name)) {
      throw inputError(file, line, `invalid stage name '${args[2]}'`, 'a letter, then letters and digits, with "-", "_" or "." only between them');
    }
  } else if (args.length !== 1) {
    throw inputError(file, line, `FROM ${args.join(' ') || '(nothing)'}`, "FROM [--platform=P] <image> [AS <name>]");
  }
  if (platformFlag && !platformFlag.getValue()) throw inputError(file, line, 'FROM --platform has no value', 'e.g. --platform=linux/amd64');
  return {
    index,
    line,
    base: args[0],
    platform: platformFlag?.getValue() ?? undefined,
    name,
    instructions: [{ keyword: 'FROM', line, text: instructionText(ins) }],
    sources: [],
    onbuildSources: [],
    onbuildTriggers: [],
  };
}

/** Stage sources of one instruction: `COPY --from=X` and every `RUN --mount=…,from=X`. */
function sourcesOf(ins: AstInstruction, line: number, file: string): SourceRef[] {
  if (ins instanceof Copy) {
    rejectDuplicateFlag(ins.getFlags(), 'from', line, file);
    const from = ins.getFromFlag();
    if (!from) return [];
    const value = from.getValue();
    if (!value) throw inputError(file, line, 'COPY --from has no value', 'a stage name, stage index or image');
    return [{ via: 'copy', value, line }];
  }
  if (ins instanceof Add) {
    const from = ins.getFlags().find((f) => f.getName().toLowerCase() === 'from');
    if (from) throw inputError(file, line, 'ADD does not take --from', 'COPY --from=<stage>');
  }
  if (ins instanceof Run) return ins.getFlags().flatMap((f) => mountSources(f, line, file));
  return [];
}

function rejectDuplicateFlag(flags: Flag[], name: string, line: number, file: string): void {
  if (flags.filter((f) => f.getName().toLowerCase() === name).length > 1) throw inputError(file, line, `--${name} is given twice`, `one --${name}`);
}

function mountSources(flag: Flag, line: number, file: string): SourceRef[] {
  if (flag.getName().toLowerCase() !== 'mount') return [];
  const from = flag.getOptions().find((o) => o.getName().toLowerCase() === 'from');
  if (!from) return [];
  const value = from.getValue() ?? '';
  if (/\$./.test(value)) {
    throw inputError(file, line, `RUN --mount from=${value}: 'from' does not support variable expansion`, 'a stage name; define an alias stage `FROM ${VAR} AS name` instead');
  }
  if (value === '') throw inputError(file, line, 'RUN --mount from= has no value', 'a stage name or image');
  return [{ via: 'mount', value, line }];
}

function onbuildSources(ins: Onbuild, line: number, file: string): SourceRef[] {
  const word = (ins.getTriggerWord() ?? '').toUpperCase();
  if (word === '') throw inputError(file, line, 'ONBUILD has no instruction', 'ONBUILD <instruction>');
  if (word === 'ONBUILD') throw inputError(file, line, 'ONBUILD ONBUILD is not allowed', 'one instruction after ONBUILD');
  if (word === 'FROM' || word === 'MAINTAINER') throw inputError(file, line, `${word} is not allowed as an ONBUILD trigger`, 'RUN, COPY, ENV, …');
  const trigger = ins.getTriggerInstruction();
  return trigger ? sourcesOf(trigger, line, file) : [];
}

/**
 * The instruction as written with continuations joined (what `docker history` shows, minus BuildKit's
 * prefixes). Heredoc bodies keep their line breaks.
 */
function instructionText(ins: AstInstruction): string {
  const raw = ins.getRawArgumentsContent() ?? '';
  const hasHeredoc = (ins instanceof Run || ins instanceof Copy || ins instanceof Add) && /<<-?["']?[A-Za-z_]/.test(raw) && raw.includes('\n');
  return hasHeredoc ? `${ins.getKeyword()} ${raw}` : ins.toString();
}
