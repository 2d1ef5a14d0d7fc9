// Instruction flags, read as BuildKit reads them: the words that start with `--` before the arguments, quotes
// and escapes removed (parser/split_command.go extractBuilderFlags), `--` ending them; `--name=value` only
// (instructions/bflag.go: a string flag without `=` is refused, `--name=` is an empty value); and
// `RUN --mount=` values as one CSV record (instructions/commands_runmount.go).

export interface FlagWord {
  name: string;
  /** Undefined when the word has no `=` (a boolean flag, or a string flag missing its value). */
  value?: string;
}

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r' || ch === '\u0085' || ch === '\u00a0';

/** Splits `--a=1 "--b=x y" -- rest` into flag words and the rest of the line. */
export function splitFlags(line: string, escape: string): { flags: string[]; args: string } {
  const words: string[] = [];
  let word = '';
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = line[pos];
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || line[pos + 1] !== '-') return { flags: words, args: line.slice(pos) };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word !== '')) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        if (word === '--') return { flags: words, args: line.slice(pos) };
        if (blankOk || word !== '') words.push(word);
        word = '';
        blankOk = false;
        phase = 'spaces';
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === escape) {
        if (pos + 1 === line.length) continue; // an escape at the very end is dropped
        ch = line[++pos];
      }
      word += ch;
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === escape) {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line[++pos];
    }
    word += ch;
  }
  return { flags: words, args: '' };
}

/** Flag words → names and values, stopping at `--` like BuildKit's BFlags. */
export function flagWords(flags: string[]): FlagWord[] {
  const out: FlagWord[] = [];
  for (const f of flags) {
    if (f === '--') break;
    const eq = f.indexOf('=');
    out.push(eq < 0 ? { name: f.slice(2) } : { name: f.slice(2, eq), value: f.slice(eq + 1) });
  }
  return out;
}

export class FlagError extends Error {}

/** One CSV record (Go's encoding/csv without lazy quotes): `a,"b,c"` → [a, b,c]. */
export function csvFields(value: string): string[] {
  if (value === '') throw new FlagError('empty value');
  const fields: string[] = [];
  let rest = value;
  for (;;) {
    if (!rest.startsWith('"')) {
      const comma = rest.indexOf(',');
      const field = comma < 0 ? rest : rest.slice(0, comma);
      if (field.includes('"')) throw new FlagError(`bare " in the unquoted field '${field}'`);
      fields.push(field);
      if (comma < 0) return fields;
      rest = rest.slice(comma + 1);
      continue;
    }
    let field = '';
    let i = 1;
    for (;;) {
      const q = rest.indexOf('"', i);
      if (q < 0) throw new FlagError('a quoted field is not closed');
      field += rest.slice(i, q);
      if (rest[q + 1] === '"') {
        field += '"';
        i = q + 2;
        continue;
      }
      if (q + 1 === rest.length) {
        fields.push(field);
        return fields;
      }
      if (rest[q + 1] !== ',') throw new FlagError(`'${rest[q + 1]}' after a closing quote`);
      fields.push(field);
      rest = rest.slice(q + 2);
      break;
    }
  }
}

export interface MountOptions {
  /** `from=` as written, when the mount has one ('' for `from=`). */
  from?: string;
  /** `type=` lower-cased; BuildKit's default is bind. */
  type: string;
}

/** What the stage graph needs from one `--mount` value: its source and type. Later keys win, as in BuildKit. */
export function mountOptions(value: string): MountOptions {
  const out: MountOptions = { type: 'bind' };
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).toLowerCase();
    const v = field.slice(eq + 1);
    if (key === 'from') out.from = v;
    if (key === 'type') out.type = v.toLowerCase();
  }
  return out;
}
