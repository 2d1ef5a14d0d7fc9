/**
 * A problem with what the user gave us: an input, a flag, a file — or an image whose bytes are malformed or
 * hostile. The message is one line naming the input (and file:line when there is one) and what was
 * expected. The CLI exits 2 on it; the action fails with it.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The first line of an error's message (or of the thrown value), for a one-line warning. */
export function errorLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

// C0 and C1 controls, DEL, line/paragraph separators and bidi overrides: text from a layer tar or a registry
// that would break a one-line message or rewrite the terminal.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text made safe to quote in a one-line message: control characters shown as \n, \t, \xNN or
 * \uNNNN, and cut to `max` characters with an ellipsis. Linear in the input.
 */
export function quoteUntrusted(text: string, max = 120): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const safe = cut.replace(UNPRINTABLE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return text.length > max ? `${safe}…` : safe;
}
