// Fuzz suite over the markdown/mention escaper (issue 12): for hostile text built from the pieces attacks are
// made of, every escaper never throws, stays linear, and what GitHub would render from its output holds no
// element, link, mention or reference that came from the input — checked on the rendered tree (see
// __tests__/helpers/github-render.ts for what "would ping" means precisely). Bounded: a few seconds in all.
import { parse } from '@mermaid-js/parser';
import fc from 'fast-check';
import { code, codeSpan, esc, mermaidLabel, neutralise, oneLine, proseWithCode, splitCode, truncate, truncateMiddle } from '../../../src/report/escape.js';
import { elements, pings, renderLikeGitHub, strippedOrLinked, textOf, type HNode } from '../../helpers/github-render.js';

const PIECES = [
  '@', '#', '`', '``', '```', '~~~', '<', '>', '&', '|', '\\', '*', '_', '~', '$', ':', '/', '.', '[', ']', '(', ')', '!', '-', '=',
  ' ', '  ', '\t', '\n', '\r\n', '\r', '\n\n', '\u202e', '\u200b', '\u2028', '\ufeff', '\u0000', '\u001b]8;;x\u0007', '\ud800',
  'octocat', 'acme/security-team', '12', 'GH-9', 'gh-', 'owner/repo#5', 'https://github.com/acme/app/issues/7', 'github.com/a/b/pull/3',
  'www.evil.com', 'http://x.io', 'mailto:a@b.io', 'a@b.io', '<img src=x onerror=alert(1)>', '<a href="https://e.io">x</a>',
  '<script>alert(1)</script>', '</code>', '<code>', '</summary>', '</details>', '<!--', '-->', '```mermaid', '%%{init}%%', '[l](https://e.io)',
  '![i](https://e.io/i.png)', '**b**', '&#64;', '&amp;', '&lt;b&gt;', '\\`', ':smile:', '$x^2$', '| --- |', '    ', '- ', '1. ', '> ',
];

/** Hostile text: attack pieces mixed with arbitrary code points. */
const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }), { maxLength: 30 })
  .map((parts) => parts.join(''));

const RUNS = { numRuns: 150 };

/** Lone surrogates as U+FFFD, as an HTML parser reads them. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** What a reader sees of the input once rendered: entities decoded, zero-width spaces and edge whitespace aside. */
const visible = (s: string) => wellFormed(s).replace(/\u200b/g, '').replace(/\s+/g, ' ').trim();
const tags = (n: HNode) => new Set(elements(n).map((e) => e.el.tagName!));

// Where the report puts escaped prose, with PROSE standing for it.
const PROSE_CONTEXTS: Record<string, (x: string) => string> = {
  paragraph: (x) => `**Baseline:** none — ${x}. Relative rules were skipped.`,
  'list item in bold': (x) => `- **${x}**: 1.00 MB in layer 2`,
  'table cell': (x) => `| Rule | Measured |\n|---|---|\n| max size | ${x} |`,
  'details summary': (x) => `<details><summary>🧱 ${x}</summary>\n\nbody\n\n</details>`,
  heading: (x) => `### ✅ ${x}: 1.00 MB compressed`,
  'italic note': (x) => `_${x}_`,
};

describe('escaper fuzz: never throws', () => {
  test('every function, any input', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 200 }), (s, max) => {
        esc(s); code(s, max); code(s, max, true); codeSpan(s); proseWithCode(s, max); neutralise(s); oneLine(s);
        mermaidLabel(s, max); splitCode(s); truncate(s, max); truncateMiddle(s, max);
      }),
      { numRuns: 500 },
    );
  });
});

describe('escaper fuzz: rendered output', () => {
  test.each(Object.entries(PROSE_CONTEXTS))('prose in a %s: no element, link, mention or reference from the input; the text reads as written', (_name, context) => {
    const allowed = tags(renderLikeGitHub(context('PROSE')).tree);
    fc.assert(
      fc.property(hostile, (s) => {
        const r = renderLikeGitHub(context(esc(s)));
        expect([...tags(r.tree)].filter((t) => !allowed.has(t))).toEqual([]);
        expect(strippedOrLinked(r)).toEqual([]);
        expect(pings(r.tree)).toEqual([]);
        expect(visible(textOf(r.tree))).toContain(visible(oneLine(s)));
      }),
      RUNS,
    );
  });

  test('a name as <code> in a table cell: one cell, one code element holding exactly the name', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const r = renderLikeGitHub(`| File | Size |\n|---|--:|\n| ${code(s, 10_000)} | 1.00 MB |`);
        const cells = elements(r.tree).filter((e) => e.el.tagName === 'td');
        expect(cells).toHaveLength(2);
        const codes = elements(cells[0].el).filter((e) => e.el.tagName === 'code');
        expect(codes).toHaveLength(1);
        expect(wellFormed(textOf(codes[0].el))).toBe(wellFormed(oneLine(s)));
        expect(tags(r.tree)).toEqual(new Set(['table', 'thead', 'tr', 'th', 'tbody', 'td', 'code']));
        expect(strippedOrLinked(r)).toEqual([]);
        expect(pings(r.tree)).toEqual([]);
      }),
      RUNS,
    );
  });

  test('a command as a code span: one code element holding exactly the command, nothing else', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        fc.pre(oneLine(s).trim() !== '');
        const r = renderLikeGitHub(`- Fix: ${codeSpan(s)}`);
        const codes = elements(r.tree).filter((e) => e.el.tagName === 'code');
        expect(codes).toHaveLength(1);
        expect(wellFormed(textOf(codes[0].el))).toBe(wellFormed(oneLine(s)));
        expect(tags(r.tree)).toEqual(new Set(['ul', 'li', 'code']));
        expect(pings(r.tree)).toEqual([]);
      }),
      RUNS,
    );
  });

  test('a fix hint (prose with code spans): code where the input had code, inert prose elsewhere', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const r = renderLikeGitHub(`- **title**: 1 MB.<br>Fix: ${proseWithCode(s, 10_000)}`);
        expect([...tags(r.tree)].filter((t) => !['ul', 'li', 'strong', 'br', 'code'].includes(t))).toEqual([]);
        expect(strippedOrLinked(r)).toEqual([]);
        expect(pings(r.tree)).toEqual([]);
        const spans = splitCode(s).filter((p) => p.code && oneLine(p.text).trim() !== '');
        expect(elements(r.tree).filter((e) => e.el.tagName === 'code').map((e) => wellFormed(textOf(e.el)))).toEqual(
          spans.map((p) => wellFormed(oneLine(p.text))),
        );
      }),
      RUNS,
    );
  });

  test('a mermaid label: the pie chart parses with mermaid\'s own parser and keeps the label', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const label = mermaidLabel(s);
        const ast = await parse('pie', `pie showData title Compressed size by layer (MB)\n    "${label}" : 1.5\n    "L2 x" : 2\n`);
        expect(ast.sections.map((x: { label: string }) => x.label)).toEqual([label, 'L2 x']);
      }),
      { numRuns: 100 },
    );
  });
});

describe('escaper fuzz: linear in the input', () => {
  // Inputs built to hurt each step: long runs of the characters each regex reacts to, backtick runs of every
  // length and unclosed fences (the code-span matcher keeps one cursor per run length). 256 KiB each (1 MiB for the
  // whole-report case), so a quadratic step (10^10–10^12 steps, e.g. a backtracking pattern) would not finish
  // within the test's generous bound, while the linear ones take a fraction of a second. Output grows by a constant
  // factor at most (an entity and a zero-width space per character).
  const MiB = 1 << 20;
  const SIZE = MiB / 4;
  const fill = (unit: string, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  let ladder = '';
  for (let k = 1; ladder.length < SIZE; k++) ladder += `${'`'.repeat(k)}x`;
  const prose = (s: string) => [esc(s), neutralise(s), proseWithCode(s, MiB)];
  const names = (s: string) => [code(s, MiB), code(s, MiB, true), mermaidLabel(s, MiB)];
  const commands = (s: string) => [codeSpan(s), proseWithCode(s, MiB), splitCode(s).map((p) => p.text).join('')];
  const ADVERSARIAL: [string, string, (s: string) => string[]][] = [
    ['@#', fill('@#'), prose], ['gh-', fill('gh-'), prose], [':/ and www.', fill(':/www.'), prose], ['/1', fill('/1'), prose],
    ['|<&', fill('|<&'), names], ['newlines', fill('\r\n'), names], ['bidi and zero-width', fill('\u202e\u200b'), names],
    ['backtick ladder', ladder, commands], ['same-length fences, unclosed', fill('`a``b'), commands], ['one long run', fill('`'), commands],
  ];

  test.each(ADVERSARIAL)('%s, 256 KiB', (_name, input, run) => {
    for (const out of run(input)) expect(out.length).toBeLessThanOrEqual(8 * input.length + 16);
  }, 60_000);

  test('every trigger at once, 1 MiB, through esc', () => {
    const input = fill(PIECES.join(''), MiB);
    expect(esc(input).length).toBeLessThanOrEqual(8 * input.length);
  }, 60_000);
});
