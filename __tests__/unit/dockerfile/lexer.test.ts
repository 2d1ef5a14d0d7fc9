// Instruction boundaries as BuildKit's parser draws them, and inputs sized to break a naive reader.
import { InputError } from '../../../src/core/errors.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { lexDockerfile, MAX_LINE_BYTES } from '../../../src/dockerfile/lexer.js';

const lex = (lines: string[]) => lexDockerfile(lines.join('\n'), 'Dockerfile').instructions.map((i) => [i.line, i.keyword, i.args]);
const graph = (lines: string[], opts = {}) => buildStageGraph(lines.join('\n'), { file: 'Dockerfile', platform: 'linux/amd64', ...opts });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('heredocs', () => {
  test('an exec-form RUN never opens a heredoc', () => {
    expect(lex(['FROM a AS x', 'RUN ["sh", "-c", "cat <<EOF >/etc/motd"]', 'FROM b AS y', 'RUN echo'])).toEqual([
      [1, 'FROM', 'a AS x'],
      [2, 'RUN', '["sh", "-c", "cat <<EOF >/etc/motd"]'],
      [3, 'FROM', 'b AS y'],
      [4, 'RUN', 'echo'],
    ]);
  });

  test('a shell-form RUN does, and its body is not instructions', () => {
    expect(lex(['FROM a', 'RUN cat <<EOF >/etc/motd', 'FROM b AS fake', 'EOF', 'FROM c'])).toEqual([
      [1, 'FROM', 'a'],
      [2, 'RUN', 'cat <<EOF >/etc/motd'],
      [5, 'FROM', 'c'],
    ]);
  });

  test('quoted names, <<- with tabs, two heredocs on one line, ONBUILD, COPY', () => {
    const lexed = lexDockerfile(
      ['FROM a', 'RUN <<"ONE" bash && cat <<-TWO', 'echo $HOME', 'ONE', '\tline', '\tTWO', 'ONBUILD COPY <<EOF /x', 'FROM inside', 'EOF', 'COPY <<A <<B /dir/', 'a', 'A', 'b', 'B', 'FROM z'].join('\n'),
      'Dockerfile',
    ).instructions;
    expect(lexed.map((i) => [i.line, i.endLine, i.keyword])).toEqual([
      [1, 1, 'FROM'],
      [2, 6, 'RUN'],
      [7, 9, 'ONBUILD'],
      [10, 14, 'COPY'],
      [15, 15, 'FROM'],
    ]);
    expect(lexed[1].heredocs).toEqual([
      { name: 'ONE', chomp: false, content: 'echo $HOME\n' },
      { name: 'TWO', chomp: true, content: '\tline\n' },
    ]);
    expect(lexed[2].trigger?.text).toBe('COPY <<EOF /x\nFROM inside\nEOF');
  });

  test.each([
    ['RUN echo "<<EOF"'],
    ["RUN echo '<<EOF'"],
    ['RUN a<<EOF'],
    ['RUN echo $((1<<2))'],
    ['CMD cat <<EOF'], // only RUN, COPY and ADD take heredocs
    ['RUN echo <<'],
  ])('no heredoc: %s', (line) => expect(lex(['FROM a', line, 'EOF', 'FROM b']).map((i) => i[0])).toEqual([1, 2, 3, 4]));

  test('an unterminated heredoc is refused with its line, before any build', () => {
    expect(refusal(() => graph(['FROM a AS x', 'RUN <<EOF', 'echo never closed', 'FROM b']))).toBe(
      "Dockerfile:2: heredoc <<EOF is never closed (expected a line 'EOF' ending the heredoc)",
    );
  });
});

describe('line continuations', () => {
  test('an escaped backslash at the end is not a continuation', () => {
    expect(lex(['FROM a AS x', 'RUN echo foo\\\\', 'FROM b AS y'])).toEqual([
      [1, 'FROM', 'a AS x'],
      [2, 'RUN', 'echo foo\\\\'],
      [3, 'FROM', 'b AS y'],
    ]);
  });

  test('a backslash after an escaped one and a space is', () => {
    expect(lex(['FROM a AS x', 'RUN echo foo\\\\ \\', 'FROM b AS y', 'RUN x'])).toEqual([
      [1, 'FROM', 'a AS x'],
      [2, 'RUN', 'echo foo\\\\ FROM b AS y'],
      [4, 'RUN', 'x'],
    ]);
  });

  test('three backslashes are not one (BuildKit cannot tell an escaped escape before a continuation)', () => {
    expect(lex(['FROM a', 'RUN echo \\\\\\', 'FROM b']).map((i) => i[0])).toEqual([1, 2, 3]);
  });

  test('comments and empty lines inside a continuation are skipped; trailing blanks after the escape', () => {
    expect(lex(['FROM a', 'RUN one \\ \t', '# comment \\', '', '   ', '  two \\', 'three', 'FROM b'])).toEqual([
      [1, 'FROM', 'a'],
      [2, 'RUN', 'one   two three'],
      [8, 'FROM', 'b'],
    ]);
  });

  test('escape directive: backtick continuations, backslash literal', () => {
    expect(lex(['# escape=`', 'FROM a `', '  AS x', 'RUN dir c:\\', 'FROM b'])).toEqual([
      [2, 'FROM', 'a   AS x'],
      [4, 'RUN', 'dir c:\\'],
      [5, 'FROM', 'b'],
    ]);
  });

  test('a directive after the first instruction or comment is only a comment', () => {
    expect(lexDockerfile(['# hello', '# escape=`', 'FROM a `', 'FROM b'].join('\n'), 'Dockerfile').escapeToken).toBe('\\');
    expect(lexDockerfile(['', '# escape=`', 'FROM a'].join('\n'), 'Dockerfile').escapeToken).toBe('\\');
  });

  test('# syntax after a shebang line still counts; two escape directives do not', () => {
    expect(graph(['#!/usr/bin/env buildctl', '# syntax=docker/dockerfile:1.4', 'FROM a']).syntax).toBe('docker/dockerfile:1.4');
    expect(refusal(() => graph(['# escape=`', '# escape=\\', 'FROM a']))).toBe('Dockerfile:2: a second escape directive (expected one escape directive at the top of the file)');
  });
});

describe('size', () => {
  test(`a line longer than ${MAX_LINE_BYTES} bytes (BuildKit's scanner limit) is one line of error, not minutes`, () => {
    const huge = 'RUN echo ' + 'x'.repeat(10 * 1024 * 1024);
    expect(refusal(() => graph(['FROM a', huge]))).toBe(
      `Dockerfile:2: the line is longer than ${MAX_LINE_BYTES} bytes (expected lines of at most ${MAX_LINE_BYTES} bytes: BuildKit refuses longer ones)`,
    );
    expect(refusal(() => graph(['FROM a', 'RUN echo ' + 'é'.repeat(33000)]))).toMatch(/^Dockerfile:2: the line is longer than 65535 bytes/);
    expect(graph(['FROM a', 'RUN ' + 'x'.repeat(MAX_LINE_BYTES - 4)]).needed).toEqual(['0']);
  });

  test('10 MB in one instruction through continuations is read', () => {
    const piece = 'x'.repeat(60_000) + ' \\';
    const lines = ['FROM a AS base', 'RUN echo \\', ...Array.from({ length: 175 }, () => piece), 'done', 'FROM base'];
    const g = graph(lines);
    expect(g.needed).toEqual(['base', '1']);
    expect(g.stages[0].instructions[1].text.length).toBeGreaterThan(10_000_000);
  });

  test('a chain of 3000 stages', () => {
    const lines = ['FROM busybox AS s0', ...Array.from({ length: 2999 }, (_, i) => `FROM s${i} AS s${i + 1}`)];
    const g = graph(lines);
    expect(g.needed.length).toBe(3000);
    expect(g.needed[0]).toBe('s0');
    expect(g.needed[2999]).toBe('s2999');
  });

  test('a chain of 3000 COPY --from, newest first', () => {
    const lines = ['FROM busybox AS s0', ...Array.from({ length: 2999 }, (_, i) => [`FROM busybox AS s${i + 1}`, `COPY --from=s${i} /x /x`]).flat()];
    expect(graph(lines).needed.length).toBe(3000);
  });

  test('a 3000-stage cycle is found without recursion', () => {
    const lines = ['FROM busybox AS s0', 'COPY --from=s2999 /x /x', ...Array.from({ length: 2999 }, (_, i) => [`FROM busybox AS s${i + 1}`, `COPY --from=s${i} /x /x`]).flat()];
    expect(refusal(() => graph(lines))).toMatch(/^Dockerfile:\d+: stage 's\d+' depends on itself \(s0 → s2999 → s2998 → /);
  });

  test('an ARG that doubles itself 40 times: the line, not "Invalid string length"', () => {
    const lines = ['ARG X=ab', ...Array.from({ length: 40 }, () => 'ARG X=$X$X'), 'FROM busybox:${X}'];
    expect(refusal(() => graph(lines))).toBe('Dockerfile:21: ARG X=$X$X: the value would be longer than 1048576 characters (expected a valid $VAR or ${VAR…} expression)');
    expect(refusal(() => graph(lines, { frontend: 'legacy' }))).toMatch(/^Dockerfile:21: ARG X=\$X\$X: the value would be longer than 1048576 characters/);
  });

  test('patterns match without backtracking: many wildcards over a long value', () => {
    const lines = ['ARG X=' + 'a'.repeat(60_000), 'ARG Y=${X/*a*a*a*a*a*a*a*b/c}', 'ARG Z=${Y%%a*a*a*a*a}', 'FROM busybox${Z}'];
    expect(graph(lines).stages[0].base).toEqual({ kind: 'image', ref: 'busybox' });
  });

  test('a pattern too costly for the value is refused', () => {
    const lines = ['ARG X=' + 'a'.repeat(60_000), `ARG Y=\${X/${'*a'.repeat(200)}b/c}`, 'FROM busybox'];
    expect(refusal(() => graph(lines))).toMatch(/^Dockerfile:2: ARG Y=\$\{X\/\*a\*a.*\.\.\.: the pattern takes too long to match a value this long \(expected/);
  });
});

test('instruction text for people: indentation of continued lines folded, word boundaries kept', () => {
  const texts = lexDockerfile(['FROM a', 'RUN echo a\\', '    b \\', '  c\\', 'd'].join('\n'), 'Dockerfile').instructions.map((i) => i.text);
  expect(texts).toEqual(['FROM a', 'RUN echo a b cd']);
});
