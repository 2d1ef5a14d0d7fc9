// Flags read as BuildKit reads them: `--from` beside any other flags in any order, quotes stripped, `--`
// ending the flags, empty values, RUN --mount options as CSV, and the refusals BuildKit makes.
import { InputError } from '../../../src/core/errors.js';
import { csvFields, mountOptions, splitFlags } from '../../../src/dockerfile/flags.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';

const graph = (lines: string[], target?: string) => buildStageGraph(lines.join('\n'), { file: 'Dockerfile', platform: 'linux/amd64', target });
const needed = (lines: string[], target?: string): string[] => graph(lines, target).needed;

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('COPY --from beside other flags', () => {
  const others = ['--link', '--chown=app:app', '--chmod=755', '--parents', '--exclude=*.md', '--link=false', '--future-flag=x', '--another'];
  // Every order of --from with two and three of the other flags.
  const cases: string[][] = [];
  for (let i = 0; i < others.length; i++) {
    for (let j = i + 1; j < others.length; j++) {
      cases.push(...permutations(['--from=a', others[i], others[j]]));
      if (j + 1 < others.length) cases.push(...permutations(['--from=a', others[i], others[j], others[j + 1]]));
    }
  }

  test(`${cases.length} orders all find the stage`, () => {
    expect(cases.length).toBeGreaterThan(200);
    for (const flags of cases) {
      const lines = ['FROM busybox AS a', 'RUN echo a', 'FROM busybox AS unused', 'FROM busybox', `COPY ${flags.join(' ')} /x /x`];
      expect([flags.join(' '), needed(lines)]).toEqual([flags.join(' '), ['a', '2']]);
    }
  });

  test.each([
    ['COPY --link --from=a /x /x', ['a', '1']],
    ['COPY --from=a --chown=app:app /x /x', ['a', '1']],
    ['COPY --chmod=755 --from=a /x /x', ['a', '1']],
    ['COPY --from="a" /x /x', ['a', '1']],
    ["COPY --chown=0:0 --from='a' /x /x", ['a', '1']],
    ['COPY "--from=a" /x /x', ['1']], // a flag word starts with -- as written: this is a source path
    ['COPY --from=a -- /x /y', ['a', '1']],
    ['COPY --link -- --from=a /x', ['1']], // after `--` it is a source path
    ['COPY --from= /x /x', ['1']], // empty: the build context
    ['COPY --from="" /x /x', ['1']],
    ['COPY --from=\\a /x /x', ['a', '1']], // the escape is removed
    ['COPY\t--link\t--from=A\t/x /x', ['a', '1']], // tabs; stage names in any case
    ['COPY --from=0 --link /x /x', ['a', '1']],
    ['copy --from=a --link=true /x /x', ['a', '1']],
    ['COPY ["--from=a", "/x", "/y"]', ['1']], // JSON form: the flags come before the array
    ['COPY --from=a ["/x", "/y"]', ['a', '1']],
  ])('%s', (line, expected) => expect(needed(['FROM busybox AS a', 'FROM busybox', line])).toEqual(expected));

  test('a continuation between the flags', () => {
    expect(needed(['FROM busybox AS a', 'FROM busybox', 'COPY --link \\', '  --chown=1:1 \\', '  # a comment', '', '  --from=a /x /x'])).toEqual(['a', '1']);
  });
});

describe('RUN --mount from=', () => {
  test.each([
    ['RUN --mount=type=bind,from=a,target=/x true', ['a', '1']],
    ['RUN --mount="type=bind,target=/x,from=a" true', ['a', '1']], // quotes around the whole value
    ["RUN --mount='type=cache,from=a,target=/x' true", ['a', '1']],
    ['RUN --mount=type=bind,"from=a",target=/x true', ['a', '1']], // quotes inside are stripped before the CSV
    ['RUN --network=none --mount=from=a,target=/x --security=sandbox true', ['a', '1']],
    ['RUN --mount=type=bind,FROM=a,target=/x true', ['a', '1']], // option keys are case-insensitive
    ['RUN --mount=from=b,from=a,target=/x true', ['a', '1']], // the last one wins
    ['RUN --mount=from=,target=/x true', ['1']], // empty: the build context
    ['RUN --mount=type=cache,target=/c --mount=from=a,target=/x true', ['a', '1']],
    ['RUN --mount=type=bind,from=a,target=/x,src=/$ true', ['a', '1']], // a final $ is not a variable
    ['RUN ["sh", "-c", "echo --mount=from=a"]', ['1']],
  ])('%s', (line, expected) => expect(needed(['FROM busybox AS a', 'FROM busybox', line])).toEqual(expected));

  test('quoted CSV fields keep their commas', () => {
    expect(csvFields('type=bind,"target=/a,b",from=x')).toEqual(['type=bind', 'target=/a,b', 'from=x']);
    expect(csvFields('"a""b",c')).toEqual(['a"b', 'c']);
    expect(mountOptions('Type=Cache,"from=x"')).toEqual({ type: 'cache', from: 'x' });
  });
});

describe('a stage named scratch', () => {
  const lines = (run: string): string[] => ['FROM busybox AS scratch', 'RUN echo cache seed', 'FROM busybox AS app', run];
  test.each([
    ['RUN --mount=type=cache,target=/root/.cache true', ['scratch', 'app']],
    ['RUN --mount=type=cache,from=,target=/c true', ['scratch', 'app']],
    ['RUN --mount=type=bind,target=/src true', ['app']], // linked for the cycle check, but not read
    ['RUN --mount=type=secret,id=npmrc true', ['app']],
    ['RUN --mount=type=tmpfs,target=/tmp true', ['app']],
    ['RUN true', ['app']],
  ])('%s', (run, expected) => expect(needed(lines(run), 'app')).toEqual(expected));

  test('FROM scratch after it is that stage', () => {
    expect(graph(['FROM busybox AS scratch', 'FROM scratch AS x']).stages[1].base).toEqual({ kind: 'stage', name: 'scratch' });
  });

  test('a mount in the scratch stage itself is a cycle', () => {
    expect(() => needed(['FROM busybox AS scratch', 'RUN --mount=type=secret,id=x true', 'FROM busybox'])).toThrow(
      "Dockerfile:2: stage 'scratch' depends on itself (scratch → scratch) (expected stages that do not need each other in a circle)",
    );
  });

  test('without a scratch stage, mounts without from= need nothing', () => {
    expect(needed(['FROM busybox AS a', 'FROM busybox', 'RUN --mount=type=cache,target=/c true'])).toEqual(['1']);
  });
});

describe('empty values BuildKit accepts', () => {
  test('FROM --platform= is no platform', () => {
    const g = graph(['FROM --platform= busybox AS a']);
    expect(g.stages[0].platform).toBeUndefined();
    expect(g.needed).toEqual(['a']);
  });
});

describe('refused as BuildKit refuses', () => {
  test.each([
    [['FROM busybox AS a', 'FROM busybox', 'COPY --from a /x /x'], 'Dockerfile:3: COPY --from has no value (expected --from=<value>: BuildKit does not read --from <value>)'],
    [['FROM busybox AS a', 'FROM busybox', 'COPY --FROM=a /x /x'], 'Dockerfile:3: COPY --FROM: flag names are case-sensitive (expected --from)'],
    [['FROM busybox AS a', 'FROM busybox', 'COPY --link --from=a --chown=1 --from=a /x /x'], 'Dockerfile:3: --from is given twice (expected one --from)'],
    [['FROM busybox AS a', 'FROM busybox', 'ADD --link --from=a /x /x'], 'Dockerfile:3: ADD does not take --from (expected COPY --from=<stage>)'],
    [['FROM busybox AS a', 'FROM busybox', 'ADD --chown=1 --from="a" /x /x'], 'Dockerfile:3: ADD does not take --from (expected COPY --from=<stage>)'],
    [['FROM busybox AS a', 'FROM busybox', 'RUN --mount true'], 'Dockerfile:3: RUN --mount has no value (expected --mount=type=…,target=…)'],
    [['FROM busybox AS a', 'FROM busybox', 'RUN --mount= true'], 'Dockerfile:3: RUN --mount=: empty value (expected comma-separated key=value options (CSV))'],
    [['FROM busybox AS a', 'FROM busybox', 'RUN --mount=type=bind,from=\\"a\\",target=/x true'], 'Dockerfile:3: RUN --mount=type=bind,from="a",target=/x: bare " in the unquoted field \'from="a"\' (expected comma-separated key=value options (CSV))'],
    [['FROM busybox AS a', 'FROM busybox', 'RUN --Mount=from=a,target=/x true'], 'Dockerfile:3: RUN --Mount: flag names are case-sensitive (expected --mount)'],
    [['FROM busybox AS a', 'FROM busybox', "COPY --from='$X' /x /x"], 'Dockerfile:3: COPY --from=$X: --from does not expand variables (expected a stage name, stage index or image; for an ARG, add `FROM ${VAR} AS name` and copy from name)'],
  ])('%j', (lines, message) => {
    let caught: unknown;
    try {
      graph(lines);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toBe(message);
  });
});

describe('splitFlags (extractBuilderFlags)', () => {
  test.each([
    ['--a=1 --b rest of line', ['--a=1', '--b'], 'rest of line'],
    ['--a="x y" z', ['--a=x y'], 'z'],
    ["'--a'=1 z", [], "'--a'=1 z"], // a word must start with -- to be a flag
    ['--a="" z', ['--a='], 'z'],
    ['-- --a=1 z', [], ' --a=1 z'],
    ['--a=1 --', ['--a=1'], ''],
    ['--a=x\\ y z', ['--a=x y'], 'z'],
    ['--a=1', ['--a=1'], ''],
    ['  --a=1   z  ', ['--a=1'], 'z  '],
  ])('%s', (line, flags, args) => expect(splitFlags(line, '\\')).toEqual({ flags, args }));
});

describe('a whole flag word in quotes is not a flag (BuildKit reads flags only from words starting with --)', () => {
  test('"--mount=…" ends the flags: it and what follows are the command', () => {
    expect(needed(['FROM busybox AS a', 'FROM busybox', 'RUN --mount=type=cache,target=/c "--mount=from=a,target=/x" --mount=from=a,target=/y true'])).toEqual(['1']);
  });
});

describe('frontend rules chosen by # syntax= in the file', () => {
  const onbuildOnly = ['FROM busybox AS src', 'FROM busybox AS parent', 'ONBUILD COPY --from=src /src /src', 'FROM parent AS child'];
  const refusal = /^Dockerfile:4: stage 'src' is needed only by this ONBUILD trigger/;
  test.each([
    ['docker/dockerfile:1.11.0', refusal],
    ['docker/dockerfile:1.11.0-labs', refusal],
    ['docker/dockerfile:experimental', refusal],
    ['docker/dockerfile:1.2-experimental', refusal],
    ['docker/dockerfile-upstream:1.10.0', refusal],
    ['docker/dockerfile:1.11.1', undefined],
    ['docker/dockerfile:1.11', undefined],
    ['docker/dockerfile:1', undefined],
    ['docker/dockerfile-upstream:master', undefined],
  ])('%s: ONBUILD COPY --from of a stage nothing else needs', (syntax, error) => {
    const lines = [`# syntax=${syntax}`, ...onbuildOnly];
    if (error) expect(() => graph(lines)).toThrow(error);
    else expect(graph(lines).needed).toEqual(['src', 'parent', 'child']);
  });

  test.each([
    ['docker/dockerfile:1.7', 'empty'],
    ['docker/dockerfile:1.9', 'error'],
    ['docker/dockerfile:1.10', 'error'],
  ])('%s: a bad ${…} in a global ARG default is %s', (syntax, outcome) => {
    const lines = [`# syntax=${syntax}`, 'ARG TAG=${:x}', 'FROM busybox${TAG} AS a'];
    if (outcome === 'error') expect(() => graph(lines)).toThrow(/^Dockerfile:2: ARG TAG=\$\{:x\}: syntax error: bad substitution/);
    else expect(graph(lines).stages[0].base).toEqual({ kind: 'image', ref: 'busybox' });
  });

  test.each([
    ['docker/dockerfile:1.10', 'arch'],
    ['docker/dockerfile:1.11.0', 'archamd64'],
  ])('%s: a global ARG TARGETARCH without a default', (syntax, stage) => {
    const lines = [`# syntax=${syntax}`, 'ARG TARGETARCH', 'FROM scratch AS archamd64', 'FROM scratch AS arch', 'FROM arch${TARGETARCH}'];
    expect(graph(lines).needed).toEqual([stage, '2']);
  });

  test('--build-arg BUILDKIT_SYNTAX wins over the directive', () => {
    const lines = ['# syntax=docker/dockerfile:1.7', ...onbuildOnly];
    expect(buildStageGraph(lines.join('\n'), { file: 'Dockerfile', buildArgs: { BUILDKIT_SYNTAX: 'docker/dockerfile:1.12' } }).needed).toEqual(['src', 'parent', 'child']);
  });
});
