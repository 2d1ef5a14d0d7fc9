// Instruction text from image history (`created_by`) and Dockerfiles is hostile input: a fork or an image
// can make it megabytes long. These routines replace regular expressions that backtracked (a shell prefix
// with nested options was exponential, `\s*#\s*buildkit\s*$` quadratic): each runs in time linear in the
// text, reading it left to right or right to left once.

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** `… # buildkit` (any spacing, and case when `ignoreCase`) removed from the end, with the spaces before it. */
export function stripBuildkitSuffix(text: string, ignoreCase = false): string {
  const t = text.trimEnd();
  const tail = t.slice(-8);
  if ((ignoreCase ? tail.toLowerCase() : tail) !== 'buildkit') return text;
  let i = t.length - 8;
  while (i > 0 && isSpace(t[i - 1])) i--;
  if (t[i - 1] !== '#') return text;
  return t.slice(0, i - 1).trimEnd();
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/** Whitespace-separated tokens from `from`, produced one at a time (callers stop early). */
function* tokens(text: string, from = 0): Generator<Token> {
  let i = from;
  while (i < text.length) {
    while (i < text.length && isSpace(text[i])) i++;
    if (i >= text.length) return;
    const start = i;
    while (i < text.length && !isSpace(text[i])) i++;
    yield { text: text.slice(start, i), start, end: i };
  }
}

const SHELL = /^(?:\/\S*\/)?(?:ba|da|a|z|k)?sh$/; // one token: anchored, so its backtracking is bounded by the token
const OPTION = /^-[a-zA-Z]+$/;

/**
 * Where the command starts in `sh [-opts | -o NAME]* -c COMMAND` (any shell path such as /bin/bash), or -1
 * when the text does not start that way. Among the ways to read the options, the one whose `-c` comes
 * latest wins (what the regular expression it replaces did, and what `sh -c -c cmd` means).
 */
export function shellCommandStart(text: string): number {
  const it = tokens(text);
  const first = it.next();
  if (first.done || !SHELL.test(first.value.text)) return -1;
  const toks: Token[] = [];
  // reachable[k]: the tokens before toks[k] can all be read as options.
  const reachable: boolean[] = [true];
  let best = -1;
  for (let k = 0; ; k++) {
    if (!reachable[k] && !reachable[k - 1]) break; // nothing can reach further: the option run is over
    const next = it.next();
    if (next.done) break;
    toks.push(next.value);
    const tok = next.value.text;
    if (reachable[k] && tok === '-c' && next.value.end < text.length) best = k;
    if (reachable[k] && OPTION.test(tok)) reachable[k + 1] = true;
    if (reachable[k - 1] && toks[k - 1].text === '-o') reachable[k + 1] = true; // `-o NAME`
  }
  if (best < 0) return -1;
  const afterC = toks[best].end;
  let i = afterC;
  while (i < text.length && isSpace(text[i])) i++;
  return i < text.length ? i : -1;
}

/**
 * A heredoc RUN body: `<<[-]["']WORD["'] …\n BODY \n WORD` → BODY, or undefined. The delimiter is the
 * whole word; it must end the text (trailing whitespace aside) on a line of its own.
 */
export function heredocBody(text: string): string | undefined {
  const head = /^<<-?["']?([A-Za-z_]\w*)/.exec(text); // anchored, one pass over the word
  if (!head) return undefined;
  const delim = head[1];
  const firstNl = text.indexOf('\n', head[0].length);
  if (firstNl < 0) return undefined;
  const bodyStart = firstNl + 1;
  const end = text.trimEnd();
  const d = end.length - delim.length; // where the closing delimiter starts
  if (d <= bodyStart || !end.endsWith(delim)) return undefined;
  let j = d;
  while (j > bodyStart && isSpace(text[j - 1])) j--;
  // Only whitespace between j and the delimiter: the body ends at its first newline (as short as it can be).
  const terminator = text.indexOf('\n', j);
  return terminator >= 0 && terminator < d ? text.slice(bodyStart, terminator) : undefined;
}
