import { code, codeSpan, esc, mermaidLabel, neutralise, oneLine, proseWithCode, splitCode, truncate, truncateMiddle } from '../../../src/report/escape.js';

const Z = '\u200B';

describe('escaping hostile text', () => {
  test('markdown, HTML, math and links become entities; paths stay readable', () => {
    expect(esc('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('/usr/lib/x86&#95;64-linux-gnu/libc.so.6');
    expect(esc('a|b`c<d>e&f')).toBe('a&#124;b&#96;c&#60;d&#62;e&#38;f');
    expect(esc('$x$ ~~s~~ *e* [l](u) \\')).toBe('&#36;x&#36; &#126;&#126;s&#126;&#126; &#42;e&#42; &#91;l&#93;(u) &#92;');
    expect(esc('<!-- x -->')).toBe('&#60;!-- x --&#62;');
  });

  test('mentions and references get a zero-width space after their trigger (entities alone do not stop GitHub)', () => {
    expect(esc('@octocat @acme/security-team #12 GH-9 gh-10 acme/app#5 a@b.io')).toBe(
      `&#64;${Z}octocat &#64;${Z}acme/security-team &#35;${Z}12 GH${Z}-9 gh${Z}-10 acme/app&#35;${Z}5 a&#64;${Z}b.io`,
    );
    expect(esc('see http://evil and www.evil.com')).toBe(`see http&#58;${Z}//evil and www${Z}.evil.com`);
    expect(esc('github.com/acme/app/issues/7')).toBe(`github.com/${Z}acme/${Z}app/${Z}issues/${Z}7`.replace(/\/\u200B(?!\d)/g, '/'));
    // Plain text for annotations: the same triggers, no entities.
    expect(neutralise('@octocat owner/repo#5 https://github.com/o/r/pull/3')).toBe(`@${Z}octocat owner/repo#${Z}5 https:${Z}//github.com/o/r/pull/${Z}3`);
    // Zero-width characters in the input are shown, not kept: they cannot pre-empt or fake ours.
    expect(neutralise(`@${Z}x`)).toBe(`@${Z}�x`);
  });

  test('newlines, control and bidi characters are made visible', () => {
    expect(oneLine('a\nb\r\nc\td\u202Ee')).toBe('a␤b␤c�d�e');
    expect(code('x\n| y |')).toBe('<code>x␤&#124; y &#124;</code>');
  });

  test('inside <code> names copy exactly: no zero-width spaces (GitHub neither pings nor links in code)', () => {
    expect(code('user@host:/srv #1')).toBe('<code>user&#64;host&#58;/srv &#35;1</code>');
  });

  test('code spans: a fence longer than any backtick run inside, padding where CommonMark strips it', () => {
    expect(codeSpan('&& apt-get clean')).toBe('`&& apt-get clean`');
    expect(codeSpan("echo `date`")).toBe("`` echo `date` ``");
    expect(codeSpan('a ``` b')).toBe('````a ``` b````');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan(' x ')).toBe('`  x  `');
    expect(codeSpan('a\n\nb')).toBe('`a␤␤b`');
    expect(codeSpan('   ')).toBe('');
  });

  test('splitCode reads code spans as CommonMark does', () => {
    expect(splitCode('end the same RUN with `&& apt-get clean`; or `x`')).toEqual([
      { code: false, text: 'end the same RUN with ' },
      { code: true, text: '&& apt-get clean' },
      { code: false, text: '; or ' },
      { code: true, text: 'x' },
    ]);
    expect(splitCode('use `` a`b `` and ``` unmatched')).toEqual([
      { code: false, text: 'use ' },
      { code: true, text: 'a`b' },
      { code: false, text: ' and ``` unmatched' },
    ]);
    expect(splitCode('``a` ``')).toEqual([{ code: true, text: 'a` ' }]); // one-sided space: kept
    expect(splitCode('no code')).toEqual([{ code: false, text: 'no code' }]);
  });

  test('fix hints: prose escaped as prose, commands as code spans', () => {
    expect(proseWithCode('end the same RUN with `&& rm -rf /var/lib/apt/lists/*`')).toBe('end the same RUN with `&& rm -rf /var/lib/apt/lists/*`');
    expect(proseWithCode('ping @team about #3: `echo @team #3`')).toBe(`ping &#64;${Z}team about &#35;${Z}3&#58; \`echo @team #3\``);
    expect(proseWithCode('<img src=x> `<img src=x>`')).toBe('&#60;img src=x&#62; `<img src=x>`');
  });

  test('truncation counts code points and keeps file names at the end', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncateMiddle('/very/long/path/to/file.txt', 15)).toBe('/very/l…ile.txt');
    expect(code('RUN ' + 'x'.repeat(200)).length).toBeLessThan(100);
  });

  test('mermaid labels keep only harmless characters', () => {
    expect(mermaidLabel('RUN echo "x" %%{init}%% # `y`\n```')).toBe('RUN echo x init y');
    expect(mermaidLabel('\n\n')).toBe('layer');
  });
});
