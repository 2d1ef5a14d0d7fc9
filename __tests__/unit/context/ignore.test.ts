import { makeFilter, parseIgnoreFile } from '../../../src/context/ignore.js';

describe('parseIgnoreFile', () => {
  test('drops comments, blank lines, BOM and surrounding spaces', () => {
    expect(parseIgnoreFile('\uFEFF# top\n\n  node_modules  \r\n!keep\n   # indented comment\n*.log\n')).toEqual(['node_modules', '!keep', '*.log']);
  });
});

describe('makeFilter (Docker pattern semantics)', () => {
  const f = makeFilter(['node_modules', '!node_modules/keep', '*.log', '/build', 'docs/**/*.md', '!docs/README.md', '**/*.tmp'], ['Dockerfile']);
  test.each([
    ['node_modules', true],
    ['node_modules/a/b.js', true],
    ['node_modules/keep', false],
    ['node_modules/keep/x.js', false],
    ['a.log', true],
    ['sub/a.log', false], // `*.log` is anchored at the root, as in Docker
    ['build/x', true],
    ['docs/a/b.md', true],
    ['docs/README.md', false],
    ['deep/er/x.tmp', true],
    ['A.LOG', false], // case-sensitive, as on Linux
    ['Dockerfile', false],
  ])('%s excluded: %s', (path, excluded) => {
    expect(f.excludes(path)).toBe(excluded);
  });
  test('only directories that may hold an exception are walked into', () => {
    expect(f.mayHoldException('node_modules')).toBe(true);
    expect(f.mayHoldException('build')).toBe(false);
    expect(makeFilter(['x', '!**/keep']).mayHoldException('x')).toBe(true);
    expect(makeFilter(['x', '!y/*.md']).mayHoldException('x')).toBe(false);
  });
});
