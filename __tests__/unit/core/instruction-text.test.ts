// The linear routines that replaced backtracking regular expressions: the same answers as the old
// expressions on every small input fast-check makes (the old ones are the oracle there), and hostile inputs
// of hundreds of kilobytes finish (the old ones took minutes, or forever).
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { heredocBody, shellCommandStart, stripBuildkitSuffix } from '../../../src/core/instruction-text.js';
import { cleanCreatedBy } from '../../../src/image/history.js';
import { normalise as attributeKey } from '../../../src/image/attribute.js';
import { normaliseInstruction } from '../../../src/compare/normalise.js';
import { JsonStreamSplitter, PlainProgress } from '../../../src/buildx/progress.js';
import { assembleRecord } from '../../../src/buildx/record.js';
import type { StepOutcome } from '../../../src/buildx/steps.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';

// The expressions as they were (exponential, quadratic, quadratic): oracles on small inputs only.
const OLD_SHELL = /^(?:\/\S*\/)?(?:ba|da|a|z|k)?sh(?:\s+-(?:o\s+\S+|[a-zA-Z]+))*\s+-c\s+/;
const OLD_BUILDKIT = /\s*#\s*buildkit\s*$/;
const OLD_HEREDOC = /^<<-?["']?([A-Za-z_]\w*)["']?[^\n]*\n([\s\S]*?)\n\s*\1\s*$/;

// Structured generators: random concatenations of characters would almost never start like a shell or a heredoc.
const ws = fc.constantFrom(' ', '  ', '\t', '\n ', ' \n', '');
const join = (parts: string[][]) => parts.flat().join('');
const shellish = fc
  .tuple(
    fc.constantFrom('sh', '/bin/sh', '/bin/bash', 'zsh', '/a/b/dash', 'ksh', 'shx', '/bin/', 'bash'),
    fc.array(fc.tuple(ws, fc.constantFrom('-c', '-c', '-c', '-o', '-o', '-e', '-x', 'pipefail', '-ex', '-', '--', 'o', 'cmd', '"x"', '-c1')), { maxLength: 10 }),
    fc.option(fc.tuple(ws, fc.constantFrom('echo hi', 'x', '-c', '-o'))),
  )
  .map(([shell, opts, tail]) => join([[shell], ...opts, tail ?? []]));
const suffixish = fc
  .tuple(fc.constantFrom('RUN x', '', 'a b', '#'), ws, fc.option(fc.constantFrom('#', '##', 'x#')), ws, fc.option(fc.constantFrom('buildkit', 'Buildkit', 'buildkitx', 'build kit')), ws)
  .map((parts) => parts.map((p) => p ?? '').join(''));
const heredocish = fc
  .tuple(
    fc.constantFrom('<<', '<<-', '<< '),
    fc.constantFrom('', '"', "'"),
    fc.constantFrom('EOF', 'E', 'EOFX', '_a1', '1X'),
    fc.constantFrom('', '"', "'"),
    fc.constantFrom('', ' cat', ' > f', '\t'),
    fc.array(fc.constantFrom('x', 'EOF', '  EOF', '', 'E', 'EOFX', 'a b'), { maxLength: 5 }),
    fc.option(fc.tuple(ws, fc.constantFrom('EOF', 'E', 'EOFX', 'xEOF', '_a1'), fc.constantFrom('', ' ', '\n', ' \n '))),
  )
  .map(([op, q1, word, q2, rest, lines, close]) => `${op}${q1}${word}${q2}${rest}\n${lines.join('\n')}${close ? `\n${close.join('')}` : ''}`);

describe('linear replacements agree with the expressions they replace', () => {
  test('shellCommandStart', () => {
    fc.assert(
      fc.property(shellish, (s) => {
        const text = s.trim();
        const old = OLD_SHELL.exec(text);
        expect(shellCommandStart(text)).toBe(old && old[0].length < text.length ? old[0].length : -1);
      }),
      { numRuns: 3000 },
    );
  });

  test('stripBuildkitSuffix', () => {
    fc.assert(
      fc.property(suffixish, (s) => {
        expect(stripBuildkitSuffix(s)).toBe(OLD_BUILDKIT.test(s) ? s.replace(OLD_BUILDKIT, '') : s);
      }),
      { numRuns: 3000 },
    );
  });

  test('heredocBody (where the old expression took the whole word as the delimiter)', () => {
    fc.assert(
      fc.property(heredocish, (s) => {
        const old = OLD_HEREDOC.exec(s);
        const word = /^<<-?["']?([A-Za-z_]\w*)/.exec(s)?.[1];
        // The old expression could also take a prefix of the word (`<<EOFX` closed by `EOF`); BuildKit does not.
        fc.pre(!old || old[1] === word);
        expect(heredocBody(s)).toBe(old ? old[2] : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  test('examples', () => {
    expect(shellCommandStart('/bin/sh -o pipefail -c apt-get update')).toBe('/bin/sh -o pipefail -c '.length);
    expect(shellCommandStart('sh -c -c echo')).toBe('sh -c -c '.length);
    expect(shellCommandStart('shx -c echo')).toBe(-1);
    expect(stripBuildkitSuffix('COPY . /app # buildkit')).toBe('COPY . /app');
    expect(stripBuildkitSuffix('RUN x #BUILDKIT', true)).toBe('RUN x');
    expect(stripBuildkitSuffix('RUN x #BUILDKIT')).toBe('RUN x #BUILDKIT');
    expect(heredocBody('<<EOF\napt-get update\napt-get install -y curl\nEOF\n')).toBe('apt-get update\napt-get install -y curl');
    expect(heredocBody('<<EOFX\nbody\nEOF')).toBeUndefined();
  });
});

describe('hostile instruction text of hundreds of kilobytes finishes', () => {
  // Generous bound, far from the old behaviour (quadratic: minutes at these sizes; exponential: never);
  // each call takes milliseconds to a second here, even on a loaded machine.
  const BOUND_MS = 20_000;
  jest.setTimeout(120_000);
  const timed = <T>(f: () => T): T => {
    const started = Date.now();
    const out = f();
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    return out;
  };

  test('a shell with 60 or 100 000 `-o` options and no `-c` (the old expression: ~40 s at 40 options, ×1.6 per option)', () => {
    for (const k of [60, 100_000]) {
      const createdBy = `/bin/sh${' -o'.repeat(k)} !`;
      expect(timed(() => shellCommandStart(createdBy))).toBe(-1);
      expect(timed(() => cleanCreatedBy(createdBy))).toBe(`RUN ${createdBy}`.replace(/\s+/g, ' '));
      expect(timed(() => attributeKey(`RUN ${createdBy}`)).keyword).toBe('RUN');
    }
    // With a -c at the end it is found, after every option.
    const withC = `sh${' -o'.repeat(100_000)} -c make`;
    expect(timed(() => cleanCreatedBy(withC))).toBe('RUN make');
  });

  test('whitespace runs with no `# buildkit` at the end (the old expression: quadratic, 3 s at 40 000 spaces)', () => {
    const createdBy = `RUN a${' '.repeat(300_000)}#${'\n'.repeat(300_000)}x`;
    expect(timed(() => stripBuildkitSuffix(createdBy))).toBe(createdBy);
    expect(timed(() => cleanCreatedBy(createdBy))).toBe('RUN a # x');
    expect(timed(() => normaliseInstruction(createdBy))).toBe('RUN a # x');
    expect(timed(() => cleanCreatedBy(`/bin/sh -c #(nop)${' '.repeat(300_000)}ENV A=1`))).toBe('ENV A=1');
  });

  test('heredocs: 300 000 newlines, a 300 000-character word (the old expression: 14 s at 40 000 newlines)', () => {
    const body = `RUN <<EOF\n${'\n'.repeat(300_000)}x`;
    expect(timed(() => attributeKey(body)).keyword).toBe('RUN');
    expect(timed(() => heredocBody(`<<${'A'.repeat(300_000)}`))).toBeUndefined();
    const closed = `<<EOF\n${'echo hi\n'.repeat(40_000)}EOF`;
    expect(timed(() => heredocBody(closed))?.length).toBe('echo hi\n'.length * 40_000 - 1);
  });

  test('a 4000-step stage whose instructions share a long prefix: each step finds its line once (it re-squashed every instruction per step)', () => {
    const texts = Array.from({ length: 4000 }, (_, i) => `RUN ${'x'.repeat(300)} ${i}`);
    const graph: StageGraph = {
      file: 'Dockerfile', target: 'app', needed: ['app'], skipped: [], warnings: [], platform: 'linux/amd64',
      stages: [{ name: 'app', named: true, index: 0, line: 1, base: { kind: 'scratch' }, dependsOn: [], uses: [], instructions: texts.map((text, i) => ({ keyword: 'RUN', text, line: i + 2 })) }],
    };
    const steps: StepOutcome[] = texts.map((instruction, i) => ({ stage: 'app', index: i + 1, total: 4000, keyword: 'RUN', instruction, cached: false, executed: true, seconds: 0 }));
    const record = timed(() =>
      assembleRecord({
        graph, mode: 'inline', resolvedSources: [], warnings: [],
        results: [{ planned: { kind: 'image', stage: 'app', candidateSources: [], output: { type: 'cacheonly' }, labels: {}, noCache: 'none' }, cacheFrom: [], summary: { steps, bases: [], imports: [], exportErrors: [], buildErrors: [] }, seconds: 1, exitCode: 0 }],
      }),
    );
    expect(record.stages[0].stepDetails.map((s) => s.line)).toEqual(texts.map((_, i) => i + 2));
  });

  test('build output: a 2 MB line in 20 000 chunks is joined once (it was re-scanned per chunk)', () => {
    const chunk = 'x'.repeat(100);
    const splitter = new JsonStreamSplitter();
    const plain = new PlainProgress();
    const lines: string[] = [];
    timed(() => {
      for (let i = 0; i < 20_000; i++) {
        lines.push(...splitter.feed(chunk).lines);
        plain.feed(chunk);
      }
      lines.push(...splitter.feed('\n{"a":1}').lines);
      plain.feed('\n');
    });
    expect(lines).toEqual(['x'.repeat(2_000_000)]);
    expect(plain.textLines).toEqual(['x'.repeat(2_000_000)]);
  });
});
