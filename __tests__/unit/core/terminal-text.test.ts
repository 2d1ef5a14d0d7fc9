import { termBlock, termText } from '../../../src/core/terminal-text.js';

describe('terminal text', () => {
  test('a field: every control character visible, newlines included', () => {
    expect(termText('a\x1b[31mb\nc\rd\te\u009b2J\u202ef\u200bg')).toBe('a\\u001b[31mb\\nc\\rd\\te\\u009b2J\\u202ef\\u200bg');
    expect(termText('/usr/lib/x86_64-linux-gnu/libc.so.6 ✓ ≈')).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6 ✓ ≈');
  });

  test('a block: line breaks kept (a CR ending a line is a line end), the rest visible', () => {
    expect(termBlock('#5 Setting up x ...\r\n#5 DONE\r')).toBe('#5 Setting up x ...\n#5 DONE');
    expect(termBlock('ok\rFAKE\n\x1b]0;title\x07')).toBe('ok\\u000dFAKE\n\\u001b]0;title\\u0007');
  });

  test('JSON through termBlock parses to the same value', () => {
    const value = { path: 'a\u202eb\u009bc\x1bd\r\ne' };
    expect(JSON.parse(termBlock(JSON.stringify(value, null, 2)))).toEqual(value);
  });
});
