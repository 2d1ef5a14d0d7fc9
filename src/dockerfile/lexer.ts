// Dockerfile text → instructions, read the way BuildKit's parser reads them (frontend/dockerfile/parser/
// parser.go): parser directives, the escape token, line continuations (a trailing escape token that is not
// itself escaped), comment and empty lines inside a continuation, heredocs on shell-form RUN/COPY/ADD, and
// the 64 KiB line limit of Go's bufio.Scanner. dockerfile-ast draws some instruction boundaries differently
// (an exec-form RUN with `<<`, `\\` at a line end), so the boundaries here are BuildKit's own.
import { inputError } from './errors.js';
import { splitFlags } from './flags.js';

/** BuildKit reads the Dockerfile with a bufio.Scanner: a longer line fails the build. */
export const MAX_LINE_BYTES = 65535;

export interface Heredoc {
  name: string;
  /** `<<-`: leading tabs are stripped from the body and the terminator. */
  chomp: boolean;
  content: string;
}

export interface LexedInstruction {
  /** Keyword as written (`run`, `COPY`). */
  keyword: string;
  /** 1-based lines: where the instruction starts and where it ends (heredoc bodies included). */
  line: number;
  endLine: number;
  /** The logical line, continuations joined as BuildKit joins them. */
  original: string;
  /** Flag words before the arguments (`--from=build`), quotes and escapes removed. */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  args: string;
  /** The arguments as an exec-form JSON string array, when they are one. */
  json?: string[];
  heredocs: Heredoc[];
  /** ONBUILD: the trigger instruction. */
  trigger?: LexedInstruction;
  /** For people: upper-case keyword, continuation lines joined without their indentation, heredoc bodies kept. */
  text: string;
}

export interface LexedDockerfile {
  escapeToken: string;
  /** The `# syntax=` directive's image (first word of the value), when present. */
  syntax?: string;
  instructions: LexedInstruction[];
}

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);
const JSON_KEYWORDS = new Set(['add', 'cmd', 'copy', 'entrypoint', 'run', 'shell', 'volume']);
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;

/** Parser directives at the top of the file (`# escape=`, `# syntax=`), as BuildKit's DirectiveParser. */
class Directives {
  escapeToken = '\\';
  syntax?: string;
  private done = false;
  private seen = new Set<string>();

  constructor(private readonly file: string) {}

  read(line: string, lineNo: number): boolean {
    if (this.done) return false;
    const m = line.startsWith('#') ? DIRECTIVE.exec(line.slice(1).trimStart()) : null;
    const name = m?.[1].toLowerCase();
    if (!m || !name || !DIRECTIVE_NAMES.has(name)) {
      this.done = true;
      return false;
    }
    if (this.seen.has(name)) throw inputError(this.file, lineNo, `a second ${name} directive`, `one ${name} directive at the top of the file`);
    this.seen.add(name);
    if (name === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw inputError(this.file, lineNo, `escape directive '${m[2]}'`, 'escape=\\ or escape=`');
      this.escapeToken = m[2];
    }
    if (name === 'syntax') this.syntax = m[2].split(' ')[0];
    return true;
  }
}

const isComment = (line: string): boolean => line.trimStart().startsWith('#');
const trimNewline = (line: string): string => line.replace(/[\r\n]+$/, '');

/** A trailing escape token (spaces and tabs after it allowed) not preceded by another one: BuildKit's regex. */
function continuation(line: string, escape: string): string | undefined {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (end === 0 || line[end - 1] !== escape) return undefined;
  if (end >= 2 && line[end - 2] === escape) return undefined;
  return line.slice(0, end - 1);
}

/** Physical lines with their ending kept, as BuildKit's scanner hands them over. */
function physicalLines(text: string, file: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    const contentLength = (nl < 0 ? text.length : nl) - start;
    if (contentLength > MAX_LINE_BYTES / 3 && Buffer.byteLength(text.slice(start, end).replace(/\n$/, ''), 'utf8') > MAX_LINE_BYTES) {
      throw inputError(file, lines.length + 1, `the line is longer than ${MAX_LINE_BYTES} bytes`, `lines of at most ${MAX_LINE_BYTES} bytes: BuildKit refuses longer ones`);
    }
    lines.push(text.slice(start, end));
    start = end;
  }
  return lines;
}

export function lexDockerfile(text: string, file: string): LexedDockerfile {
  const lines = physicalLines(text.startsWith('\uFEFF') ? text.slice(1) : text, file);
  const directives = new Directives(file);
  const instructions: LexedInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const lineNo = i + 1;
    let first = trimNewline(lines[i++]).trimStart();
    if (directives.read(first, lineNo)) continue;
    if (isComment(first)) first = '';
    const escape = directives.escapeToken;
    let cont = continuation(first, escape);
    if (cont === undefined && first === '') continue;
    const parts = [cont ?? first];
    const shown = [cont ?? first];
    while (cont !== undefined && i < lines.length) {
      const raw = trimNewline(lines[i++]);
      if (isComment(raw) || raw.trim() === '') continue;
      cont = continuation(raw, escape);
      parts.push(cont ?? raw);
      // For people: indentation becomes one space, but a word boundary stays one (`a \` + `  b` is `a b`).
      const piece = cont ?? raw;
      shown.push(/[ \t]$/.test(shown[shown.length - 1]) ? piece.trimStart() : piece.replace(/^[ \t]+/, ' '));
    }
    const original = parts.join('');
    const ins = instruction(original, shown.join(''), lineNo, escape, file);
    const heredocHost = ins.trigger ?? ins;
    if (HEREDOC_KEYWORDS.has(heredocHost.keyword.toLowerCase()) && !heredocHost.json && original.includes('<<')) {
      for (const doc of heredocsOf(original)) {
        const body: string[] = [];
        let terminated = false;
        while (i < lines.length) {
          const raw = lines[i++];
          const candidate = doc.chomp ? trimNewline(raw).replace(/^\t+/, '') : trimNewline(raw);
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          body.push(raw);
        }
        if (!terminated) throw inputError(file, lineNo, `heredoc <<${doc.name} is never closed`, `a line '${doc.name}' ending the heredoc`);
        ins.heredocs.push({ ...doc, content: body.join('') });
        heredocHost.heredocs = ins.heredocs;
      }
      if (ins.heredocs.length) {
        ins.text += ins.heredocs.map((d) => `\n${d.content.replace(/\r\n/g, '\n')}${d.name}`).join('');
        if (ins.trigger) ins.trigger.text += ins.heredocs.map((d) => `\n${d.content.replace(/\r\n/g, '\n')}${d.name}`).join('');
      }
    }
    ins.endLine = i;
    instructions.push(ins);
  }
  return { escapeToken: directives.escapeToken, ...(directives.syntax ? { syntax: directives.syntax } : {}), instructions };
}

/** One logical line → keyword, flags, arguments (BuildKit's splitCommand and line parsers). */
function instruction(original: string, shown: string, line: number, escape: string, file: string): LexedInstruction {
  const trimmed = original.trim();
  const m = /^([^\t\v\f\r ]*)[\t\v\f\r ]*([\s\S]*)$/.exec(trimmed) as RegExpExecArray;
  const keyword = m[1];
  const { args, flags } = splitFlags(m[2], escape);
  const lower = keyword.toLowerCase();
  const ins: LexedInstruction = { keyword, line, endLine: line, original, flags, args: args.trim(), heredocs: [], text: displayText(keyword, shown) };
  if (JSON_KEYWORDS.has(lower)) {
    const json = jsonArgs(ins.args, `${file}:${line}`, keyword);
    if (json) ins.json = json;
  }
  // BuildKit re-reads a trigger on its own, with a fresh parser: the default escape token.
  if (lower === 'onbuild' && ins.args !== '') {
    ins.trigger = instruction(ins.args, ins.text.slice(keyword.length).trim(), line, '\\', file);
  }
  return ins;
}

function displayText(keyword: string, shown: string): string {
  const rest = shown.trim().slice(keyword.length).trim();
  return rest ? `${keyword.toUpperCase()} ${rest}` : keyword.toUpperCase();
}

function jsonArgs(args: string, where: string, keyword: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    return undefined; // not JSON: shell form
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) {
    throw inputError(where, undefined, `${keyword.toUpperCase()} ${args}: a JSON array with something other than strings`, 'exec form as an array of strings');
  }
  return value as string[];
}

/** Heredoc words of a line (`<<EOF`, `<<-"EOF"`, `2<<EOF`), split as BuildKit's shell lexer splits words. */
function heredocsOf(line: string): Omit<Heredoc, 'content'>[] {
  const docs: Omit<Heredoc, 'content'>[] = [];
  for (const word of rawWords(line)) {
    const m = HEREDOC_WORD.exec(word);
    if (!m || m[3] === '') continue;
    const names = rawWords(m[3]).map(unquote);
    if (names.length === 1) docs.push({ name: names[0], chomp: m[2] === '-' });
  }
  return docs;
}

/**
 * Words split on blanks outside quotes, quotes and escapes kept (BuildKit's parseWords, and its shell lexer
 * in raw mode for heredoc words). Inside double quotes the escape token still escapes; in single quotes not.
 */
export function rawWords(line: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (!quote && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    word += ch;
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === escape && quote === '"' && i + 1 < line.length) word += line[++i];
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === escape && i + 1 < line.length) word += line[++i];
  }
  if (inWord) words.push(word);
  return words;
}

function unquote(word: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < word.length) out += word[++i];
      else out += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\' && i + 1 < word.length) out += word[++i];
    else out += ch;
  }
  return out;
}

/** DetectSyntax: the `# syntax=` directive, also after a `#!` line (which the escape directive may not follow). */
export function detectSyntax(text: string): string | undefined {
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  const start = lines[0]?.startsWith('#!') ? 1 : 0;
  const directives = new Directives('');
  for (let i = start; i < lines.length; i++) {
    try {
      if (!directives.read(trimNewline(lines[i]), i + 1)) break;
    } catch {
      break;
    }
  }
  return directives.syntax;
}
