// Text for a terminal. File names, instructions, registry tags and build output are hostile: an ESC or OSC
// sequence in a file name can recolour, retitle or rewrite the screen (or plant a clickable link), a newline can
// fake a table row, a bidi override can make text read differently than it is. Shown as visible escapes instead.

// C0 controls, DEL, C1 controls (U+009B is a one-character CSI), and Unicode line/bidi/format controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const visible = (ch: string) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One field (a path, an instruction, a tag) on one line: every control character shown as an escape. */
export function termText(text: string): string {
  return String(text).replace(CONTROL, visible);
}

/**
 * A whole block of output: line breaks kept, every other control character shown as `\uXXXX`. That form is also
 * a valid JSON string escape, so JSON printed through it still parses to the same value.
 */
export function termBlock(text: string): string {
  // A carriage return that ends a line (CRLF, or tool output such as apt's progress) is a line end, not an attack;
  // one inside a line could overwrite what came before it on the screen.
  return String(text)
    .replace(/\r+(?=\n|$)/g, '')
    .replace(CONTROL_BUT_NEWLINE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
