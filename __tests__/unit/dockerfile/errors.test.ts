// Every way a Dockerfile or option is refused: one line, the file and line, what was expected.
import { InputError } from '../../../src/core/errors.js';
import { buildStageGraph, type StageGraphOptions } from '../../../src/dockerfile/graph.js';

const cases: [string, string[], Omit<StageGraphOptions, 'file'>, string][] = [
  ['empty file', ['', '# only a comment'], {}, 'Dockerfile:1: the Dockerfile has no instructions (expected at least one FROM)'],
  ['no FROM', ['ARG X=1', 'ARG Y=2'], {}, 'Dockerfile:2: no FROM instruction (expected at least one FROM to start a stage)'],
  ['RUN before FROM', ['ARG X=1', 'RUN echo hi', 'FROM busybox'], {}, 'Dockerfile:2: RUN before the first FROM (expected only ARG may come before the first FROM)'],
  ['unknown instruction', ['FROM busybox', 'FOO bar'], {}, "Dockerfile:2: unknown instruction 'FOO' (expected one of ADD, ARG, CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, RUN, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR)"],
  ['FROM with two words after the image', ['FROM busybox AS a b'], {}, 'Dockerfile:1: FROM busybox AS a b (expected FROM [--platform=P] <image> [AS <name>])'],
  ['FROM without an image', ['FROM'], {}, 'Dockerfile:1: FROM (nothing) (expected FROM [--platform=P] <image> [AS <name>])'],
  ['stage name starting with a digit', ['FROM busybox AS 1abc'], {}, 'Dockerfile:1: invalid stage name \'1abc\' (expected a letter, then letters and digits, with "-", "_" or "." only between them)'],
  ['stage name ending in "-" (not a valid named context)', ['FROM busybox AS bin-'], {}, 'Dockerfile:1: invalid stage name \'bin-\' (expected a letter, then letters and digits, with "-", "_" or "." only between them)'],
  ['unknown FROM flag', ['FROM busybox AS a', 'FROM --foo=bar busybox'], {}, 'Dockerfile:2: unknown flag --foo on FROM (expected only --platform)'],
  ['ONBUILD ONBUILD', ['FROM busybox', 'ONBUILD ONBUILD RUN x'], {}, 'Dockerfile:2: ONBUILD ONBUILD is not allowed (expected one instruction after ONBUILD)'],
  ['ONBUILD FROM', ['FROM busybox', 'ONBUILD FROM alpine'], {}, 'Dockerfile:2: FROM is not allowed as an ONBUILD trigger (expected RUN, COPY, ENV, …)'],
  ['unknown target lists the valid ones', ['FROM busybox AS build', 'FROM build AS test', 'FROM scratch'], { target: 'nope' }, "Dockerfile: --target 'nope': no stage has that name (expected one of: build, test)"],
  ['target when no stage is named', ['FROM busybox', 'FROM scratch'], { target: 'app' }, "Dockerfile: --target 'app': no stage has that name (expected no --target: this Dockerfile has no named stages, the last stage is built)"],
  ['a stage copying from itself', ['FROM busybox AS a', 'COPY --from=a /x /x'], {}, "Dockerfile:2: stage 'a' depends on itself (a → a) (expected stages that do not need each other in a circle)"],
  ['a cycle, even between skipped stages', ['FROM busybox AS a', 'COPY --from=b /b /b', 'FROM busybox AS b', 'COPY --from=a /a /a', 'FROM busybox AS fin'], {}, "Dockerfile:4: stage 'a' depends on itself (a → b → a) (expected stages that do not need each other in a circle)"],
  ['COPY --from with a variable', ['ARG SRC=a', 'FROM busybox AS a', 'FROM scratch', 'COPY --from=${SRC} /a /a'], {}, 'Dockerfile:4: COPY --from=${SRC}: --from does not expand variables (expected a stage name, stage index or image; for an ARG, add `FROM ${VAR} AS name` and copy from name)'],
  ['RUN --mount from= with a variable', ['FROM busybox AS a', 'FROM busybox', 'RUN --mount=from=$SRC,target=/m true'], {}, "Dockerfile:3: RUN --mount from=$SRC: 'from' does not support variable expansion (expected a stage name; define an alias stage `FROM ${VAR} AS name` instead)"],
  ['stage index out of range', ['FROM busybox AS a', 'FROM scratch', 'COPY --from=7 /a /a'], {}, 'Dockerfile:3: COPY --from=7: no stage has index 7 (expected an index from 0 to 1)'],
  ['negative stage index', ['FROM busybox AS a', 'FROM scratch', 'COPY --from=-1 /a /a'], {}, 'Dockerfile:3: COPY --from=-1: no stage has index -1 (expected an index from 0 to 1)'],
  ['COPY --from a later stage', ['FROM busybox AS a', 'COPY --from=b /b /b', 'FROM busybox AS b'], { target: 'a' }, "Dockerfile:2: COPY --from=b: stage 'b' (line 3) comes after stage 'a' (line 1) (expected a stage defined above: BuildKit builds stages in file order)"],
  ['COPY --from a later index', ['FROM busybox', 'FROM scratch', 'COPY --from=2 /c /c', 'FROM busybox', 'FROM scratch', 'COPY --from=1 /c /c'], {}, "Dockerfile:3: COPY --from=2: stage '2' (line 4) comes after stage '1' (line 2) (expected a stage defined above: BuildKit builds stages in file order)"],
  ['COPY --from a duplicated name between its definitions', ['FROM busybox AS dup', 'FROM dup AS mid', 'COPY --from=dup /w /w', 'FROM busybox AS dup', 'FROM scratch', 'COPY --from=mid /m /m'], {}, "Dockerfile:3: COPY --from=dup: stage 'dup' (line 4) comes after stage 'mid' (line 2); 'dup' is defined more than once and --from takes the last definition (expected a stage defined above: BuildKit builds stages in file order)"],
  ['RUN --mount from a later stage', ['FROM busybox AS a', 'RUN --mount=from=b,target=/m cat /m/b', 'FROM busybox AS b', 'FROM scratch', 'COPY --from=a /a /a'], {}, "Dockerfile:2: RUN --mount from=b: stage 'b' (line 3) comes after stage 'a' (line 1) (expected a stage defined above: BuildKit builds stages in file order)"],
  ['RUN --mount from a stage index', ['FROM busybox AS a', 'FROM busybox', 'RUN --mount=from=0,target=/m true'], {}, 'Dockerfile:3: RUN --mount from=0: mount sources are looked up by stage name only (expected a stage name: add AS <name> to that FROM)'],
  ['FROM a stage name in another case', ['FROM busybox AS build', 'FROM Build'], {}, 'Dockerfile:2: FROM Build: repository name must be lowercase (expected FROM build: FROM matches stage names in lower case)'],
  ['an invalid image even in a skipped stage', ['FROM Bad/Image AS skipped', 'FROM busybox AS fin'], {}, 'Dockerfile:1: FROM Bad/Image: repository name must be lowercase (expected a stage defined above or an image reference)'],
  ['COPY --from an invalid image', ['FROM busybox', 'COPY --from=Not_An:Image! /a /a'], {}, 'Dockerfile:2: COPY --from=Not_An:Image!: not a stage, and not an image reference (invalid tag) (expected a stage name (none named) or an image)'],
  ['FROM of an unset global ARG', ['FROM ${BASE}'], {}, 'Dockerfile:1: FROM ${BASE} expands to an empty image name (expected an ARG declared above the first FROM with a default, or --build-arg)'],
  ['legacy rules: an ARG without a default is set and empty', ['ARG X', 'FROM scratch AS busy', 'FROM ${X-busy}'], { frontend: 'legacy' }, 'Dockerfile:3: FROM ${X-busy} expands to an empty image name (expected an ARG declared above the first FROM with a default, or --build-arg)'],
  ['${VAR:?message}', ['ARG BASE', 'FROM ${BASE:?required}'], {}, 'Dockerfile:2: FROM ${BASE:?required}: BASE: required (expected a valid $VAR or ${VAR…} expression)'],
  // BuildKit splits FROM on whitespace before expanding, so a message with a space is a fourth argument.
  ['${VAR:?message with a space}', ['ARG BASE', 'FROM ${BASE:?set BASE}'], {}, 'Dockerfile:2: FROM ${BASE:?set BASE} (expected FROM [--platform=P] <image> [AS <name>])'],
  ['bad substitution', ['FROM ${:x}'], {}, 'Dockerfile:1: FROM ${:x}: syntax error: bad substitution (expected a valid $VAR or ${VAR…} expression)'],
  ['FROM --platform that is not a platform', ['ARG P=linux/amd64/v2/x', 'FROM --platform=$P busybox'], {}, "Dockerfile:2: FROM --platform=$P gives 'linux/amd64/v2/x' (expected os/arch[/variant], e.g. linux/amd64)"],
  ['--platform option that is not a platform', ['FROM busybox'], { platform: 'linux/amd 64' }, "Dockerfile: --platform 'linux/amd 64' is not a platform (expected os/arch[/variant], e.g. linux/amd64)"],
  ['COPY --from twice', ['FROM busybox AS a', 'FROM busybox AS b', 'FROM scratch', 'COPY --from=a --from=b /a /a'], {}, 'Dockerfile:4: --from is given twice (expected one --from)'],
  ['FROM --platform twice', ['FROM --platform=linux/amd64 --platform=linux/arm64 busybox'], {}, 'Dockerfile:1: --platform is given twice (expected one --platform)'],
  ['current rules: a bad ${…} in a global ARG default', ['ARG TAG=${:x}', 'FROM busybox${TAG}'], {}, 'Dockerfile:1: ARG TAG=${:x}: syntax error: bad substitution (expected a valid $VAR or ${VAR…} expression)'],
  ['legacy rules: a stage needed only by an ONBUILD trigger', ['FROM busybox AS src', 'FROM busybox AS parent', 'ONBUILD COPY --from=src /src /src', 'FROM parent AS child'], { frontend: 'legacy' },
    "Dockerfile:3: stage 'src' is needed only by this ONBUILD trigger (run in stage 'child'), and Dockerfile frontends before 1.11.1 (Docker Engine before 27.4) do not build it (expected the stage also used by a COPY --from in a stage that is built, or `# syntax=docker/dockerfile:1`)"],
  ['ADD --from', ['FROM busybox AS a', 'FROM busybox', 'ADD --from=a /a /a'], {}, 'Dockerfile:3: ADD does not take --from (expected COPY --from=<stage>)'],
];

describe('stage graph errors', () => {
  test.each(cases)('%s', (_name, lines, opts, message) => {
    let caught: unknown;
    try {
      buildStageGraph(lines.join('\n'), { file: 'Dockerfile', platform: 'linux/amd64', ...opts });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toBe(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});
