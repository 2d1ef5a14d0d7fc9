// The sticky comment's hidden marker and size limit. Pure: the pipeline sizes the report with it, the API
// adapter (sticky-comment.ts) finds and writes comments with it.
import { escapeKeyPart } from '../core/keys.js';

/** GitHub rejects issue comment bodies over 65 536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
export const MARKER_PREFIX = '<!-- layerwise:v1 key=';

/** The key as it appears inside the HTML comment: no `--`, `>`, spaces or newlines can end or confuse it. */
export function stickyMarker(key: string): string {
  return `${MARKER_PREFIX}${escapeKeyPart(key)} -->`;
}

/** Characters left for the report under the marker line: render with `renderMarkdown(report, { maxChars })`. */
export function commentBodyLimit(key: string): number {
  return MAX_COMMENT_CHARS - stickyMarker(key).length - 2;
}

const TRUNCATED_NOTE = '\n\n_…cut to fit GitHub\'s comment limit; the full report is in the job summary and the JSON report._';

/** Marker line + body, cut at a line boundary when GitHub would refuse it. */
export function stickyBody(key: string, body: string, max = MAX_COMMENT_CHARS - 1): string {
  const full = `${stickyMarker(key)}\n${body}`;
  if (full.length <= max) return full;
  let cut = full.slice(0, max - TRUNCATED_NOTE.length);
  const nl = cut.lastIndexOf('\n');
  if (nl > max / 2) cut = cut.slice(0, nl);
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + TRUNCATED_NOTE;
}

export interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login: string } | null;
}

/** Ours: the marker is the first line (not merely somewhere in the text) and the author is the expected one. */
export function isStickyComment(c: CommentLike, key: string, author: string): boolean {
  if (!c.user || c.user.login.toLowerCase() !== author.toLowerCase()) return false;
  const first = (c.body ?? '').split(/\r?\n/, 1)[0];
  return first === stickyMarker(key);
}
