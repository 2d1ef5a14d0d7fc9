import { code, esc, mermaidLabel, oneLine, truncate, truncateMiddle } from '../../../src/report/escape.js';

describe('escaping hostile text', () => {
  test('markdown, HTML, mentions, math and links become entities; paths stay readable', () => {
    expect(esc('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('/usr/lib/x86&#95;64-linux-gnu/libc.so.6');
    expect(esc('a|b`c<d>e&f')).toBe('a&#124;b&#96;c&#60;d&#62;e&#38;f');
    expect(esc('@octocat #12 $x$ ~~s~~ *e* [l](u) \\')).toBe('&#64;octocat &#35;12 &#36;x&#36; &#126;&#126;s&#126;&#126; &#42;e&#42; &#91;l&#93;(u) &#92;');
    expect(esc('see http://evil and www.evil.com')).toBe('see http&#58;//evil and www&#46;evil.com');
    expect(esc('<!-- x -->')).toBe('&#60;!-- x --&#62;');
  });

  test('newlines, control and bidi characters are made visible', () => {
    expect(oneLine('a\nb\r\nc\td\u202Ee')).toBe('a␤b␤c�d�e');
    expect(code('x\n| y |')).toBe('<code>x␤&#124; y &#124;</code>');
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
