// Shell patterns of `${X#p}`, `${X%p}` and `${X/p/r}` as BuildKit reads them (shell/lex.go
// convertShellPatternToRegex): `*` any run and `?` one character, neither matching a newline (Go's `.`);
// `\*`, `\?`, `\\` literal, `\}` and `\/` the bare character, any other escape an error. Matched by walking the
// pattern's positions over the value, never backtracking: time is value × pattern at worst, and capped.

export class PatternError extends Error {
  /** True when the pattern is fine but matching it would take too long or produce too much. */
  constructor(message: string, readonly limit = false) {
    super(message);
  }
}

type Token = { star: true } | { star: false; ch?: string }; // ch undefined: `?`

/** Steps (value characters × live pattern positions) one expansion may take before it is refused. */
const MAX_STEPS = 4_000_000;

export class Glob {
  private readonly tokens: Token[];
  private steps = 0;

  constructor(pattern: string) {
    this.tokens = [];
    const cps = Array.from(pattern);
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i];
      if (c === '*') this.tokens.push({ star: true });
      else if (c === '?') this.tokens.push({ star: false });
      else if (c === '\\' && i + 1 < cps.length) {
        const next = cps[++i];
        if (!['*', '?', '\\', '}', '/'].includes(next)) throw new PatternError(`invalid escape '\\${next}' in the pattern ${pattern}`);
        this.tokens.push({ star: false, ch: next });
      } else this.tokens.push({ star: false, ch: c });
    }
  }

  /** Positions reachable from `from` without reading a character (a `*` may match nothing). */
  private close(states: Map<number, number>, state: number, start: number): void {
    for (let s = state; s <= this.tokens.length; s++) {
      const had = states.get(s);
      if (had !== undefined && had <= start) return;
      states.set(s, start);
      if (s === this.tokens.length || !this.tokens[s].star) return;
    }
  }

  private step(states: Map<number, number>, ch: string): Map<number, number> {
    this.steps += states.size;
    if (this.steps > MAX_STEPS) throw new PatternError('the pattern takes too long to match a value this long', true);
    const next = new Map<number, number>();
    // Lower starts first, so a position keeps the leftmost thread that reaches it.
    for (const [state, start] of [...states].sort((a, b) => a[1] - b[1])) {
      if (state === this.tokens.length) continue;
      const t = this.tokens[state];
      if (ch === '\n') continue; // neither `*` nor `?` matches a newline, and a literal newline cannot occur here
      if (t.star) this.close(next, state, start);
      else if (t.ch === undefined || t.ch === ch) this.close(next, state + 1, start);
    }
    return next;
  }

  /** Length of the shortest (or longest) prefix of `chars` the pattern matches, -1 when none does. */
  prefix(chars: string[], longest: boolean): number {
    let states = new Map<number, number>();
    this.close(states, 0, 0);
    let best = -1;
    for (let k = 0; ; k++) {
      if (states.has(this.tokens.length)) {
        best = k;
        if (!longest) return best;
      }
      if (k === chars.length || states.size === 0) return best;
      states = this.step(states, chars[k]);
    }
  }

  /** Leftmost-longest match in `chars` at or after `from`: [start, end), or undefined. */
  find(chars: string[], from: number): [number, number] | undefined {
    let states = new Map<number, number>();
    let best: [number, number] | undefined;
    for (let p = from; ; p++) {
      if (!best) this.close(states, 0, p);
      const accepted = states.get(this.tokens.length);
      if (accepted !== undefined && (!best || accepted < best[0] || (accepted === best[0] && p > best[1]))) best = [accepted, p];
      if (best) for (const [s, start] of states) if (start > best[0]) states.delete(s);
      if (p === chars.length || (best && states.size === 0)) return best;
      states = this.step(states, chars[p]);
    }
  }
}

/** `${X/p/r}` (first match) and `${X//p/r}` (every match), like Go's regexp replace. */
export function replaceMatches(value: string, pattern: string, replacement: string, all: boolean, maxLength: number): string {
  const glob = new Glob(pattern);
  const chars = Array.from(value);
  let out = '';
  let last = 0;
  let pos = 0;
  while (pos <= chars.length) {
    const m = glob.find(chars, pos);
    if (!m) break;
    out += chars.slice(last, m[0]).join('');
    if (m[1] > last || m[0] === 0) out += replacement;
    if (out.length > maxLength) throw new PatternError(`the result would be longer than ${maxLength} characters`, true);
    last = m[1];
    pos = m[1] > pos ? m[1] : pos + 1;
    if (!all) break;
  }
  return out + chars.slice(last).join('');
}

/** `${X#p}`, `${X##p}`, `${X%p}`, `${X%%p}`. The suffix forms reverse value and pattern, as BuildKit does. */
export function trimPattern(value: string, pattern: string, side: 'prefix' | 'suffix', longest: boolean): string {
  if (side === 'prefix') {
    const n = new Glob(pattern).prefix(Array.from(value), longest);
    return n < 0 ? value : Array.from(value).slice(n).join('');
  }
  const reversed = Array.from(value).reverse();
  const n = new Glob(reversePattern(pattern)).prefix(reversed, longest);
  return n < 0 ? value : reversed.slice(n).reverse().join('');
}

/** Reverses a pattern keeping each escape before the character it escapes (`a\*c` → `c\*a`). */
function reversePattern(pattern: string): string {
  const cps = Array.from(pattern);
  const units: string[] = [];
  for (let i = 0; i < cps.length; i++) units.push(cps[i] === '\\' && i + 1 < cps.length ? cps[i] + cps[++i] : cps[i]);
  return units.reverse().join('');
}
