// Shell-style word expansion as BuildKit applies it to FROM names, FROM --platform and global ARG defaults
// (frontend/dockerfile/shell/lex.go, ProcessWord): quotes are removed, `$X`, `${X}`, `${X:-w}`, `${X-w}`,
// `${X:+w}`, `${X+w}`, `${X:?msg}`, `${X?msg}`, `${X#p}`, `${X%p}`, `${X/p/r}`; unset variables are empty.

import { PatternError, replaceMatches, trimPattern } from './glob.js';

export class ExpandError extends Error {}
/** A value too long or a pattern too costly: refused by every frontend rule (BuildKit would run out of memory). */
export class ExpandLimitError extends ExpandError {}

/** Longest value an expansion may produce: real ARG values are short, and one that doubles itself must stop. */
export const MAX_EXPANSION = 1 << 20;

export interface Expansion {
  result: string;
  /** Variables that were looked up and set. */
  matched: Set<string>;
}

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const isNameChar = (ch: string): boolean => /[\p{L}\p{N}_]/u.test(ch);
const isDigit = (ch: string): boolean => /\p{N}/u.test(ch);

export function expandWord(word: string, env: ReadonlyMap<string, string>, escapeToken = '\\'): Expansion {
  const chars = Array.from(word);
  let pos = 0;
  const matched = new Set<string>();
  const peek = (): string | undefined => chars[pos];
  const next = (): string | undefined => chars[pos++];

  const capped = (text: string): string => {
    if (text.length > MAX_EXPANSION) throw new ExpandLimitError(`the value would be longer than ${MAX_EXPANSION} characters`);
    return text;
  };
  const getEnv = (name: string): [string, boolean] => {
    if (!env.has(name)) return ['', false];
    matched.add(name);
    return [env.get(name) as string, true];
  };

  function processName(): string {
    let name = '';
    while (peek() !== undefined) {
      const ch = peek() as string;
      if (name === '' && isDigit(ch)) {
        while (peek() !== undefined && isDigit(peek() as string)) name += next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return next() as string;
      if (!isNameChar(ch)) break;
      name += next();
    }
    return name;
  }

  function processSingleQuote(): string {
    next();
    let out = '';
    for (;;) {
      const ch = next();
      if (ch === undefined) throw new ExpandError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return out;
      out += ch;
    }
  }

  function processDoubleQuote(): string {
    next();
    let out = '';
    for (;;) {
      const ch = peek();
      if (ch === undefined) throw new ExpandError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        next();
        return out;
      }
      if (ch === '$') {
        out = capped(out + processDollar());
        continue;
      }
      let c = next() as string;
      if (c === escapeToken) {
        const after = peek();
        if (after === undefined) continue; // a trailing escape is dropped
        if (after === '"' || after === '$' || after === escapeToken) c = next() as string;
      }
      out += c;
    }
  }

  /** Reads up to `stop` (consumed), expanding as it goes; `raw` keeps escape tokens (patterns). */
  function processStopOn(stop: string | undefined, raw: boolean): string {
    let out = '';
    while (peek() !== undefined) {
      const ch = peek() as string;
      if (stop !== undefined && ch === stop) {
        next();
        return out;
      }
      if (ch === '$') out = capped(out + processDollar());
      else if (ch === "'") out += processSingleQuote();
      else if (ch === '"') out = capped(out + processDoubleQuote());
      else {
        next();
        if (ch === escapeToken) {
          if (raw) out += ch;
          const escaped = next();
          if (escaped === undefined) break;
          out += escaped;
        } else out += ch;
      }
    }
    if (stop !== undefined) throw new ExpandError(`syntax error: missing '${stop}'`);
    return out;
  }

  function processDollar(): string {
    next();
    if (peek() !== '{') {
      const name = processName();
      return name === '' ? '$' : getEnv(name)[0];
    }
    next();
    const first = peek();
    if (first === undefined) throw new ExpandError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpandError('syntax error: bad substitution');
    const name = processName();
    let op = next();
    if (op === '}') return getEnv(name)[0];
    if (op === undefined) throw new ExpandError("syntax error: missing '}'");
    let nullIsUnset = false;
    if (op === ':') {
      nullIsUnset = true;
      op = next();
      if (op === undefined || !['-', '+', '?', '#', '%'].includes(op)) throw new ExpandError(`unsupported modifier (:${op ?? ''}) in substitution`);
    }
    if (op === '/') return substitute(name);
    if (!['-', '+', '?', '#', '%'].includes(op)) throw new ExpandError(`unsupported modifier (${op}) in substitution`);
    const w = processStopOn('}', op === '#' || op === '%');
    const [value, set] = getEnv(name);
    const empty = !set || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return empty ? w : value;
      case '+':
        return empty ? '' : w;
      case '?':
        if (!set) throw new ExpandError(`${name}: ${w || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new ExpandError(`${name}: ${w || 'is not allowed to be empty'}`);
        return value;
      default: {
        const longest = w.startsWith(op);
        return pattern(() => trimPattern(value, longest ? w.slice(1) : w, op === '#' ? 'prefix' : 'suffix', longest));
      }
    }
  }

  function pattern(run: () => string): string {
    try {
      return run();
    } catch (err) {
      if (err instanceof PatternError) throw new (err.limit ? ExpandLimitError : ExpandError)(err.message);
      throw err;
    }
  }

  function substitute(name: string): string {
    const all = peek() === '/';
    if (all) next();
    const pat = processStopOn('/', true);
    const replacement = processStopOn('}', true);
    const [value] = getEnv(name);
    return pattern(() => replaceMatches(value, pat, replacement, all, MAX_EXPANSION));
  }

  const result = processStopOn(undefined, false);
  return { result, matched };
}
