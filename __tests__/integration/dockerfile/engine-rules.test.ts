// Each subtle stage rule, built for real with `docker buildx build` on the test bed and compared with the
// graph: the stages the engine ran steps for must be the graph's needed stages, files copied tell which
// definition a name resolved to, and every Dockerfile the engine refuses, buildStageGraph refuses too.
// The cases run once per rule set on a bed engine whose built-in frontend follows it (no Docker Hub for
// `# syntax=`): the newest rules on Docker 28, older ones on Docker 26 (`scripts/testbed.sh --engine 26`).
// Never hand the engine a Dockerfile without FROM: BuildKit 0.13 (dockerd 26) panics and the daemon dies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { buildStageGraph, type StageGraphOptions } from '../../../src/dockerfile/graph.js';
import { rulesFor } from '../../../src/dockerfile/rules.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { describeOnEngine, describeWithTestbed } from '../../helpers/testbed.js';

interface EngineRun {
  ok: boolean;
  /** Stage names BuildKit printed steps for (`[name 2/3]`), unnamed ones as stage-N. */
  stages: Set<string>;
  files: Record<string, string>;
  log: string;
}

interface Case {
  name: string;
  lines: (base: string) => string[];
  opts?: Omit<StageGraphOptions, 'file'>;
  /** Files the build must output, by path: they show which stage definition the engine used. */
  files?: Record<string, string>;
  warning?: RegExp;
  /** Both must refuse: our message (file:line) and a fragment of the engine's. */
  rejected?: { ours: RegExp; engine: RegExp };
  /** The engine fails at run time on something the graph accepts (with a warning), e.g. an image pull. */
  engineFails?: RegExp;
  /** What changes with frontends from 1.11.1 on (Docker Engine 27.4+), whose rules differ here. */
  from1_11_1?: Partial<Omit<Case, 'name' | 'lines' | 'from1_11_1'>>;
}

function buildOnEngine(host: string | undefined, lines: string[], opts: Omit<StageGraphOptions, 'file'>): EngineRun {
  const dir = mkdtempSync(join(tmpdir(), 'layerwise-stages-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'hello.txt'), 'hello\n');
    const args = [...(host ? ['-H', host] : []), 'buildx', 'build', '--no-cache', '--progress=plain', '-o', `type=local,dest=${join(dir, 'out')}`];
    if (opts.target) args.push('--target', opts.target);
    if (opts.platform) args.push('--platform', opts.platform);
    for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
    const r = spawnSync('docker', [...args, dir], { encoding: 'utf8', timeout: 300_000 });
    const log = `${r.stdout}${r.stderr}`;
    // FROM vertices are shared by every build of the daemon that loads the same image, and carry the stage
    // name of whichever build loaded it first (seen: `[deps 1/2] FROM …` in a build without a deps stage).
    const stages = new Set([...log.matchAll(/^#\d+ \[([a-z0-9._-]+) \d+\/\d+\] (?!FROM )/gm)].map((m) => m[1]));
    const files: Record<string, string> = {};
    if (r.status === 0) {
      for (const f of readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true })) {
        if (f.isFile()) files[join(f.parentPath, f.name).slice(join(dir, 'out').length)] = readFileSync(join(f.parentPath, f.name), 'utf8').trim();
      }
    }
    return { ok: r.status === 0, stages, files, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The names BuildKit prints for the graph's needed stages with a filesystem step (FROM lines are not counted). */
function engineNames(graph: StageGraph): Set<string> {
  const byName = new Map(graph.stages.map((s) => [s.name, s]));
  const hasStep = (k: string): boolean => ['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(k);
  return new Set(
    graph.needed
      .map((n) => byName.get(n)!)
      .filter((s) => s.instructions.some((i) => hasStep(i.keyword)))
      .map((s) => s.declaredName ?? `stage-${s.index}`),
  );
}

const cases: Case[] = [
  {
    name: 'duplicate name: FROM between the definitions gets the first, COPY --from gets the last',
    lines: (b) => [`FROM ${b} AS dup`, 'RUN echo first > /which', 'FROM dup AS mid', 'RUN cat /which > /mid', `FROM ${b} AS dup`, 'RUN echo second > /which',
      'FROM scratch AS final', 'COPY --from=dup /which /which', 'COPY --from=mid /mid /mid'],
    files: { '/which': 'second', '/mid': 'first' },
    warning: /stage name 'dup' is also defined on line 1/,
  },
  {
    name: 'duplicate name: --target gets the last definition',
    lines: (b) => [`FROM ${b} AS dup`, 'RUN echo first > /which', `FROM ${b} AS dup`, 'RUN echo second > /which', 'FROM scratch', 'COPY --from=dup /which /which'],
    opts: { target: 'dup' },
    files: { '/which': 'second' },
    warning: /stage name 'dup' is also defined on line 1/,
  },
  {
    name: 'duplicate name: COPY --from between the definitions is refused (the last one is built later)',
    lines: (b) => [`FROM ${b} AS dup`, 'RUN echo first > /which', 'FROM dup AS mid', 'COPY --from=dup /which /copied', `FROM ${b} AS dup`, 'RUN echo second > /which', 'FROM scratch', 'COPY --from=mid /copied /copied'],
    rejected: { ours: /^Dockerfile:4: COPY --from=dup: stage 'dup' \(line 5\) comes after stage 'mid'/, engine: /cannot copy from stage "dup", it needs to be defined before current stage "mid"/ },
  },
  {
    name: 'name used before it is defined: COPY --from in a skipped stage is fine',
    lines: (b) => [`FROM ${b} AS a`, 'COPY --from=b /b /b', `FROM ${b} AS b`, 'RUN echo b > /b', 'FROM scratch AS final', 'COPY --from=b /b /b'],
    files: { '/b': 'b' },
  },
  {
    name: 'name used before it is defined: COPY --from in a needed stage is refused',
    lines: (b) => [`FROM ${b} AS a`, 'COPY --from=b /b /b', `FROM ${b} AS b`, 'RUN echo b > /b', 'FROM scratch AS final', 'COPY --from=a /b /b'],
    rejected: { ours: /^Dockerfile:2: COPY --from=b: stage 'b' \(line 3\) comes after stage 'a' \(line 1\)/, engine: /cannot copy from stage "b", it needs to be defined before current stage "a"/ },
  },
  {
    name: 'name used before it is defined: FROM pulls an image of that name',
    lines: (b) => ['FROM later AS x', 'RUN echo x', `FROM ${b} AS later`, 'RUN echo later > /l'],
    opts: { target: 'x' },
    warning: /FROM later names the stage on line 3, but FROM sees only stages above it/,
    engineFails: /docker\.io\/library\/later/,
  },
  {
    name: 'FROM <stage>:<tag> is an image, not the stage',
    lines: (b) => [`FROM ${b} AS build`, 'RUN echo b > /b', 'FROM build:latest AS test', 'RUN echo t'],
    warning: /FROM build:latest is an image, not the stage 'build' on line 1/,
    engineFails: /docker\.io\/library\/build:latest/,
  },
  {
    name: 'unnamed stage used by index',
    lines: (b) => [`FROM ${b}`, 'RUN echo zero > /z', `FROM ${b} AS app`, 'RUN echo app > /a', 'FROM scratch', 'COPY --from=0 /z /z', 'COPY --from=app /a /a'],
    files: { '/z': 'zero', '/a': 'app' },
  },
  {
    name: 'COPY --from an index defined later is refused',
    lines: (b) => [`FROM ${b}`, 'RUN echo a > /a', 'FROM scratch', 'COPY --from=2 /c /c', `FROM ${b}`, 'RUN echo c > /c', 'FROM scratch', 'COPY --from=1 /c /c'],
    rejected: { ours: /^Dockerfile:4: COPY --from=2: stage '2' \(line 5\) comes after stage '1' \(line 3\)/, engine: /cannot copy from stage "2", it needs to be defined before current stage "stage-1"/ },
  },
  {
    name: 'stage index out of range',
    lines: (b) => [`FROM ${b} AS a`, 'RUN echo a', 'FROM scratch', 'COPY --from=7 /a /a'],
    rejected: { ours: /^Dockerfile:4: COPY --from=7: no stage has index 7/, engine: /invalid stage index 7/ },
  },
  {
    name: 'stage names are case-insensitive in --target and COPY --from',
    lines: (b) => [`FROM ${b} AS Build`, 'RUN echo b > /b', 'FROM scratch AS fin', 'COPY --from=BUILD /b /b'],
    opts: { target: 'FIN' },
    files: { '/b': 'b' },
  },
  {
    name: 'FROM matches stage names as written, so FROM Build is an invalid image',
    lines: (b) => [`FROM ${b} AS Build`, 'RUN echo b > /b', 'FROM Build', 'RUN echo c'],
    rejected: { ours: /^Dockerfile:3: FROM Build: repository name must be lowercase/, engine: /failed to parse stage name "Build".*must be lowercase/ },
  },
  {
    name: 'an invalid image reference fails the build even in a skipped stage',
    lines: (b) => ['FROM Bad/Image AS skipped', 'RUN echo x', `FROM ${b} AS fin`, 'RUN echo fin > /f'],
    rejected: { ours: /^Dockerfile:1: FROM Bad\/Image: repository name must be lowercase/, engine: /failed to parse stage name "Bad\/Image"/ },
  },
  {
    name: 'global ARGs with a --build-arg override pick the stage; an ARG without default is empty',
    lines: () => ['ARG FLAVOR=a', 'ARG PICK=flavor-${FLAVOR}', 'ARG UNSET', 'FROM scratch AS flavor-a', 'COPY hello.txt /a', 'FROM scratch AS flavor-b', 'COPY hello.txt /b',
      'FROM ${PICK}${UNSET} AS picked', 'ARG PICK', 'FROM picked', 'COPY hello.txt /picked'],
    opts: { buildArgs: { FLAVOR: 'b' } },
    files: { '/b': 'hello', '/picked': 'hello' },
  },
  {
    name: 'an ARG declared without a default is set (empty) for ${X-default}; unset from frontend 1.11',
    lines: () => ['ARG X', 'FROM scratch AS busy', 'COPY hello.txt /busy', 'FROM ${X-busy}'],
    rejected: { ours: /^Dockerfile:4: FROM \$\{X-busy\} expands to an empty image name/, engine: /base name \(\$\{X-busy\}\) should not be blank/ },
    from1_11_1: { rejected: undefined, files: { '/busy': 'hello' } },
  },
  {
    name: 'TARGETARCH follows --platform',
    lines: () => ['FROM scratch AS bin-amd64', 'COPY hello.txt /amd64', 'FROM scratch AS bin-arm64', 'COPY hello.txt /arm64', 'FROM bin-${TARGETARCH} AS out', 'FROM scratch', 'COPY --from=out / /'],
    opts: { platform: 'linux/arm64' },
    files: { '/arm64': 'hello' },
  },
  {
    name: 'a --build-arg overrides an automatic platform ARG',
    lines: () => ['FROM scratch AS bin-amd64', 'COPY hello.txt /amd64', 'FROM scratch AS bin-arm64', 'COPY hello.txt /arm64', 'FROM bin-${TARGETARCH} AS out', 'FROM scratch', 'COPY --from=out / /'],
    opts: { buildArgs: { TARGETARCH: 'arm64' } },
    files: { '/arm64': 'hello' },
  },
  {
    name: 'COPY --from does not expand variables',
    lines: (b) => ['ARG SRC=a', `FROM ${b} AS a`, 'RUN echo a > /a', 'FROM scratch', 'COPY --from=${SRC} /a /a'],
    rejected: { ours: /^Dockerfile:5: COPY --from=\$\{SRC\}: --from does not expand variables/, engine: /failed to parse stage name "\$\{SRC\}"|variable expansion is not supported for --from/ },
  },
  {
    name: 'RUN --mount from= does not expand variables',
    lines: (b) => ['ARG SRC=a', `FROM ${b} AS a`, 'RUN echo a > /a', `FROM ${b}`, 'RUN --mount=from=$SRC,target=/m cat /m/a > /b'],
    rejected: { ours: /^Dockerfile:5: RUN --mount from=\$SRC/, engine: /line 5: 'from' doesn't support variable expansion/ },
  },
  {
    name: 'RUN --mount from a stage is a dependency',
    lines: (b) => [`FROM ${b} AS deps`, 'RUN echo dep > /d', `FROM ${b} AS unused`, 'RUN echo unused', `FROM ${b} AS app`, 'RUN --mount=from=deps,target=/m cat /m/d > /app', 'FROM scratch', 'COPY --from=app /app /app'],
    files: { '/app': 'dep' },
  },
  {
    name: 'RUN --mount from a stage defined later is refused',
    lines: (b) => [`FROM ${b} AS a`, 'RUN --mount=from=b,target=/m cat /m/b > /a', `FROM ${b} AS b`, 'RUN echo b > /b', 'FROM scratch', 'COPY --from=a /a /a'],
    rejected: { ours: /^Dockerfile:2: RUN --mount from=b: stage 'b' \(line 3\) comes after stage 'a'/, engine: /cannot mount from stage "b" to "\/m", stage needs to be defined before current command/ },
  },
  {
    name: 'RUN --mount from=<index> is an image name, not a stage',
    lines: (b) => [`FROM ${b} AS a`, 'RUN echo a > /a', `FROM ${b}`, 'RUN --mount=from=0,target=/m cat /m/a > /b'],
    rejected: { ours: /^Dockerfile:4: RUN --mount from=0: mount sources are looked up by stage name only/, engine: /docker\.io\/library\/0/ },
  },
  {
    name: 'a cycle between skipped stages still fails the build',
    lines: (b) => [`FROM ${b} AS a`, 'COPY --from=b /b /b', `FROM ${b} AS b`, 'COPY --from=a /a /a', `FROM ${b} AS fin`, 'RUN echo fin > /f'],
    rejected: { ours: /^Dockerfile:4: stage 'a' depends on itself \(a → b → a\)/, engine: /circular dependency detected on stage: a/ },
  },
  {
    name: 'ONBUILD COPY --from of a stage needed for nothing else (refused before frontend 1.11.1)',
    lines: (b) => [`FROM ${b} AS src`, 'RUN echo src > /src', `FROM ${b} AS parent`, 'ONBUILD COPY --from=src /src /src', 'FROM parent AS child', 'RUN cat /src > /child', 'FROM scratch', 'COPY --from=child /child /child'],
    rejected: { ours: /^Dockerfile:4: stage 'src' is needed only by this ONBUILD trigger \(run in stage 'child'\)/, engine: /cannot copy from stage "src", it needs to be defined before current stage "child"/ },
    from1_11_1: { rejected: undefined, files: { '/child': 'src' } },
  },
  {
    name: 'a global ARG TARGETARCH without a default blanks the platform value (before frontend 1.11)',
    lines: () => ['ARG TARGETARCH', 'FROM scratch AS archamd64', 'COPY hello.txt /amd64', 'FROM scratch AS arch', 'COPY hello.txt /empty', 'FROM arch${TARGETARCH}', 'COPY hello.txt /final'],
    opts: { platform: 'linux/amd64' },
    files: { '/empty': 'hello', '/final': 'hello' },
    from1_11_1: { files: { '/amd64': 'hello', '/final': 'hello' } },
  },
  {
    name: 'a stage name that is not a valid reference fails (named contexts)',
    lines: () => ['FROM scratch AS bin-', 'COPY hello.txt /x'],
    rejected: { ours: /^Dockerfile:1: invalid stage name 'bin-'/, engine: /invalid context name bin-/ },
  },
  {
    name: 'ONBUILD COPY --from of a stage that is built anyway',
    lines: (b) => [`FROM ${b} AS src`, 'RUN echo src > /src', `FROM ${b} AS parent`, 'COPY --from=src /src /parent-src', 'ONBUILD COPY --from=src /src /src', 'FROM parent AS child', 'RUN cat /src > /child', 'FROM scratch', 'COPY --from=child /child /child'],
    files: { '/child': 'src' },
  },
  {
    name: 'a FROM line inside a heredoc is not a stage',
    lines: (b) => [`FROM ${b} AS gen`, 'COPY <<EOF /g', 'FROM nothing AS fake', 'EOF', 'RUN wc -l < /g > /lines', 'FROM scratch AS out', 'COPY --from=gen /g /lines /'],
    files: { '/g': 'FROM nothing AS fake', '/lines': '1' },
  },
  {
    name: 'escape directive and lower-case instructions',
    lines: (b) => ['# escape=`', `from ${b} \``, '  as build', 'run echo one `', '  two > /w', 'from scratch', 'copy --from=build /w /w'],
    files: { '/w': 'one two' },
  },
  {
    name: 'unknown target',
    lines: (b) => [`FROM ${b} AS a`, 'RUN echo a'],
    opts: { target: 'nope' },
    rejected: { ours: /^Dockerfile: --target 'nope': no stage has that name \(expected one of: a\)/, engine: /target stage "nope" could not be found/ },
  },
  {
    name: 'instruction before the first FROM',
    lines: (b) => ['RUN echo hi', `FROM ${b}`],
    rejected: { ours: /^Dockerfile:1: RUN before the first FROM/, engine: /no build stage in current context/ },
  },
  {
    name: 'invalid stage name',
    lines: (b) => [`FROM ${b} AS 1abc`],
    rejected: { ours: /^Dockerfile:1: invalid stage name '1abc'/, engine: /line 1: invalid name for build stage/ },
  },
  {
    name: 'unknown instruction',
    lines: (b) => [`FROM ${b} AS a`, 'FOO bar'],
    rejected: { ours: /^Dockerfile:2: unknown instruction 'FOO'/, engine: /line 2: unknown instruction: FOO/ },
  },
  {
    name: 'FROM with a wrong number of words',
    lines: (b) => [`FROM ${b} AS a b`],
    rejected: { ours: /^Dockerfile:1: FROM .* \(expected FROM \[--platform=P\] <image> \[AS <name>\]\)/, engine: /line 1: FROM requires either one or three arguments/ },
  },
  {
    name: 'COPY --from given twice',
    lines: (b) => [`FROM ${b} AS a`, 'RUN echo a > /a', `FROM ${b} AS b`, 'RUN echo b > /a', 'FROM scratch', 'COPY --from=a --from=b /a /a'],
    rejected: { ours: /^Dockerfile:6: --from is given twice/, engine: /line 6: duplicate flag specified: (--)?from/ },
  },
  {
    name: 'ONBUILD ONBUILD',
    lines: (b) => [`FROM ${b}`, 'ONBUILD ONBUILD RUN x'],
    rejected: { ours: /^Dockerfile:2: ONBUILD ONBUILD is not allowed/, engine: /line 2: Chaining ONBUILD/ },
  },
];

describeWithTestbed('Dockerfile stage rules match the engine', (bed) => {
  for (const rules of ['current', 'legacy'] as const) {
    describeOnEngine(`${rules} frontend rules`, bed, { rules }, (onEngine) => {
      test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, base) => {
        const { frontend, host } = onEngine();
        const c = rulesFor(frontend).onbuildDependencies ? { ...base, ...base.from1_11_1 } : base;
        const lines = c.lines(bed().baseImage);
        const opts = { frontend, ...c.opts };
        expect(lines.some((l) => /^\s*from\s/i.test(l))).toBe(true); // see the header: no FROM kills the daemon
        const engine = buildOnEngine(host, lines, opts);
        let graph: StageGraph | undefined;
        let error: unknown;
        try {
          graph = buildStageGraph(lines.join('\n'), { file: 'Dockerfile', ...opts });
        } catch (err) {
          error = err;
        }
        if (c.rejected) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message).toMatch(c.rejected.ours);
          expect(engine.ok).toBe(false);
          expect(engine.log).toMatch(c.rejected.engine);
          return;
        }
        if (error) throw error;
        if (c.warning) expect(graph!.warnings.join('\n')).toMatch(c.warning);
        else expect(graph!.warnings).toEqual([]);
        if (c.engineFails) {
          expect(engine.ok).toBe(false);
          expect(engine.log).toMatch(c.engineFails);
          return;
        }
        if (!engine.ok) throw new Error(`engine build failed:\n${engine.log.slice(-2000)}`);
        const ran = [...engine.stages].sort();
        if (ran.join() !== [...engineNames(graph!)].sort().join()) throw new Error(`engine ran stages ${ran.join(', ')}; graph needs ${graph!.needed.join(', ')}\n${engine.log}`);
        for (const [path, content] of Object.entries(c.files ?? {})) expect([path, engine.files[path]]).toEqual([path, content]);
      });
    });
  }
});
