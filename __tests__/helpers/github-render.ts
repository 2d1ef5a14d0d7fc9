// What a reader sees of our markdown on GitHub, as close as a test can get offline: GitHub-flavoured markdown
// (marked, gfm) → HTML → a tree (hast), then GitHub's sanitizer allow-list (hast-util-sanitize's default schema
// is GitHub's). GitHub turns @mentions and issue references into pings and cross-links AFTER that, on the
// decoded text of every element except pre, code and a (html-pipeline's MentionFilter and its reference
// filters: `node.ancestors('pre, code, a')` are skipped). `pings` applies those triggers, made stricter than
// GitHub's own patterns, to exactly that text: anything it finds could ping someone or cross-link an issue.
import { fromHtml } from 'hast-util-from-html';
import { sanitize } from 'hast-util-sanitize';
import { marked } from 'marked';

export interface HNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HNode[];
}

export interface Rendered {
  html: string;
  /** The tree as rendered. */
  tree: HNode;
  /** The tree after GitHub's sanitizer allow-list. */
  safe: HNode;
}

export function renderLikeGitHub(markdown: string): Rendered {
  const html = marked.parse(markdown, { gfm: true, async: false }) as string;
  const tree = fromHtml(html, { fragment: true }) as unknown as HNode;
  const safe = sanitize(structuredClone(tree) as never) as unknown as HNode;
  return { html, tree, safe };
}

/** Every element, depth first, with its ancestors' tag names. */
export function elements(node: HNode, ancestors: string[] = [], out: { el: HNode; ancestors: string[] }[] = []) {
  for (const child of node.children ?? []) {
    if (child.type === 'element') {
      out.push({ el: child, ancestors });
      elements(child, [...ancestors, child.tagName!], out);
    }
  }
  return out;
}

/** Text nodes with their ancestors' tag names. */
export function texts(node: HNode, ancestors: string[] = [], out: { text: string; ancestors: string[] }[] = []) {
  for (const child of node.children ?? []) {
    if (child.type === 'text') out.push({ text: child.value ?? '', ancestors });
    else if (child.type === 'element') texts(child, [...ancestors, child.tagName!], out);
  }
  return out;
}

/** The concatenated text of a node. */
export function textOf(node: HNode): string {
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

/** Text that GitHub's mention and reference filters read: outside pre, code and a. */
export function filteredTexts(node: HNode): string[] {
  return texts(node)
    .filter((t) => !t.ancestors.some((a) => a === 'pre' || a === 'code' || a === 'a'))
    .map((t) => t.text);
}

// Stricter than GitHub's patterns (which also need a word boundary before the trigger, an existing user or issue,
// …): a match here is a possible ping or cross-link, no match is none.
export const PING_PATTERNS: [string, RegExp][] = [
  ['@mention, @org/team or email', /@[A-Za-z0-9_]/],
  ['#123 or owner/repo#123', /#\d/],
  ['GH-123', /gh-\d/i],
  ['URL (autolinked; issue URLs become references)', /[a-z][a-z0-9+.-]*:\/\//i],
  ['www. link', /www\./i],
  ['issue or PR path without a scheme', /github\.com\/[^\s/]+\/[^\s/]+\/(?:issues|pull|discussions)\/\d/i],
];

/** Each possible ping or cross-link in the text GitHub's filters read, with the pattern that found it. */
export function pings(node: HNode): string[] {
  const found: string[] = [];
  for (const text of filteredTexts(node)) {
    for (const [name, re] of PING_PATTERNS) {
      const m = re.exec(text);
      if (m) found.push(`${name}: …${text.slice(Math.max(0, m.index - 20), m.index + 20)}…`);
    }
  }
  return found;
}

/** Element tag names that GitHub's sanitizer would remove or that turn text into something else (links, images). */
export function strippedOrLinked(r: Rendered): string[] {
  const before = elements(r.tree).map((e) => e.el.tagName!);
  const kept = elements(r.safe).map((e) => e.el.tagName!);
  for (const t of kept) before.splice(before.indexOf(t), 1);
  const links = elements(r.tree).map((e) => e.el.tagName!).filter((t) => t === 'a' || t === 'img');
  return [...new Set([...before, ...links])];
}
