// Everything that came from an image, a build or a report artifact is hostile text: file names may hold `|`,
// backticks, `<`, `-->`, newlines, bidi overrides, @mentions or issue references. The simplest rule that holds:
// every dynamic string in the comment, the summary and annotations passes through this module. Prose goes
// through esc (inert markdown, no pings), names through code (<code>, where GitHub neither pings nor links),
// commands in fix hints through codeSpan (a markdown code span its content cannot close).

// Printable ASCII that means something to GFM or HTML: & < > (HTML), | ` * _ [ ] ~ \ # (markdown), $ (math),
// @ (mentions), and : which GFM turns into links (http://…) even inside an inline <code> tag; a `.` after
// `www` for the same reason. Everything else (letters, digits, / . , ; = + % ? ! ' " ( ) { } ^ -) is inert.
const UNSAFE = /[#$&*:<>@[\\\]_`|~]|(?<=www)\./gi;
// Control characters, and Unicode bidi/format controls that can make text read differently than it is.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const ZWSP = '\u200B';
// GitHub turns these into pings and cross-links AFTER it has rendered the markdown, on the decoded text of every
// element but pre, code and a — so HTML entities (&#64;) do not stop them. A zero-width space after the trigger
// does, as dependency bots do it: @user, @org/team (and emails), #123 and owner/repo#123, GH-123, scheme URLs
// (https://github.com/o/r/issues/1 becomes a reference), www. links, and /<digits> (issue paths without a scheme).
const REFERENCE = /[@#]|gh(?=-)|:(?=\/\/)|www(?=\.)|\/(?=\d)/gi;

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

/** Plain text that cannot ping anyone or cross-link an issue (for annotations and inside esc). */
export function neutralise(text: string): string {
  return oneLine(text).replace(REFERENCE, `$&${ZWSP}`);
}

const ENTITY: Record<string, string> = {};
for (const ch of '#$&*:<>@[\\]_`|~.') ENTITY[ch] = `&#${ch.charCodeAt(0)};`;
const entity = (ch: string) => ENTITY[ch];

/** Inert prose for markdown and HTML: no markup, no link, no mention, no reference. */
export function esc(text: string): string {
  return neutralise(text).replace(UNSAFE, entity);
}

/** A name (path, instruction, ref) as inline code, cut to `max` characters first. Safe in table cells. */
export function code(text: string, max = 80, middle = false): string {
  const line = oneLine(text);
  // Inside <code> GitHub neither pings nor links: only markup and autolinks need escaping, the text copies exactly.
  return `<code>${(middle ? truncateMiddle(line, max) : truncate(line, max)).replace(UNSAFE, entity)}</code>`;
}

/**
 * A command as a markdown code span (not for table cells: a `|` would split the cell). The fence is one backtick
 * longer than the longest run inside, so the content cannot close it; a space pads content that starts or ends
 * with a backtick or a space (CommonMark strips one from each side). Code spans take everything literally.
 */
export function codeSpan(text: string): string {
  const body = oneLine(text);
  if (body.trim() === '') return '';
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[ `]|[ `]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export interface TextPart {
  code: boolean;
  text: string;
}

/**
 * Splits prose with `code` spans the way CommonMark reads them: a run of N backticks opens a span that the next
 * run of exactly N closes; an unmatched run is literal text. Linear: each run length keeps a moving cursor.
 */
export function splitCode(text: string): TextPart[] {
  // Backtick runs as (start, length), found in one pass.
  const at: number[] = [];
  const len: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 96) continue;
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) === 96) j++;
    at.push(i);
    len.push(j - i);
    i = j - 1;
  }
  const byLength = new Map<number, number[]>();
  len.forEach((l, r) => (byLength.get(l) ?? byLength.set(l, []).get(l)!).push(r));
  const cursor = new Map<number, number>();
  const parts: TextPart[] = [];
  let pos = 0;
  let r = 0;
  while (r < at.length) {
    const same = byLength.get(len[r])!;
    let c = cursor.get(len[r]) ?? 0;
    while (c < same.length && same[c] <= r) c++;
    cursor.set(len[r], c);
    if (c === same.length) {
      r++; // no closing run: the backticks are text
      continue;
    }
    const close = same[c];
    if (at[r] > pos) parts.push({ code: false, text: text.slice(pos, at[r]) });
    let body = text.slice(at[r] + len[r], at[close]).replace(/\r?\n/g, ' ');
    if (body.length > 1 && body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') body = body.slice(1, -1);
    parts.push({ code: true, text: body });
    pos = at[close] + len[close];
    r = close + 1;
  }
  if (pos < text.length) parts.push({ code: false, text: text.slice(pos) });
  return parts;
}

/** Prose with `code` spans (a fix hint): the prose escaped as prose, each command as a code span. */
export function proseWithCode(text: string, max = 300): string {
  return splitCode(truncate(text, max))
    .map((p) => (p.code ? codeSpan(p.text) : esc(p.text)))
    .join('');
}

/** A label Mermaid cannot misread: letters, digits and a few separators only, no quotes, `%%` or `#`. */
export function mermaidLabel(text: string, max = 40): string {
  const clean = oneLine(text)
    .replace(/[^A-Za-z0-9 ._/:=+-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(clean, max) || 'layer';
}
