// Everything that came from an image or a report artifact is hostile text: file names may hold `|`, backticks,
// `<`, `-->`, newlines, bidi overrides or @mentions. It is shown as HTML-escaped text (inside <code> where it
// is a name), which is inert in GFM tables, list items, <summary> lines and HTML blocks alike.

// Printable ASCII that means something to GFM or HTML: & < > (HTML), | ` * _ [ ] ~ \ # (markdown), $ (math),
// @ (mentions), and : which GFM turns into links (http://…) even inside an inline <code> tag; a `.` after
// `www` for the same reason. Everything else (letters, digits, / . , ; = + % ? ! ' " ( ) { } ^ -) is inert.
const UNSAFE = /[#$&*:<>@[\\\]_`|~]|(?<=www)\./gi;
// Control characters, and Unicode bidi/format controls that can make text read differently than it is.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** Cut to at most `max` characters (code points), keeping the head, with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Cut in the middle (paths keep their file name): `/usr/lib/…/libfoo.so`. */
export function truncateMiddle(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  return `${chars.slice(0, max - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Visible one-line text: newlines become ␤, other control and bidi characters become �. */
export function oneLine(text: string): string {
  return String(text).replace(/\r?\n/g, '␤').replace(INVISIBLE, '�');
}

/** Inert text for markdown and HTML: every ASCII character outside a small safe set becomes an entity. */
export function esc(text: string): string {
  return oneLine(text).replace(UNSAFE, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A name (path, instruction, ref) as inline code, cut to `max` characters first. */
export function code(text: string, max = 80, middle = false): string {
  const line = oneLine(text);
  return `<code>${esc(middle ? truncateMiddle(line, max) : truncate(line, max))}</code>`;
}

/** A label Mermaid cannot misread: letters, digits and a few separators only, no quotes, `%%` or `#`. */
export function mermaidLabel(text: string, max = 40): string {
  const clean = oneLine(text)
    .replace(/[^A-Za-z0-9 ._/:=+-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(clean, max) || 'layer';
}
