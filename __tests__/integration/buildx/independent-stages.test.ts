// Two dependency stages that do not need each other, on the default engine. Classic store (inline caches): their
// stage builds run side by side (two `buildx build` clients at once, each with its cache export) and the log
// keeps each build's lines together. Containerd store (registry caches): the image build solves both at once in
// one session, then the three stage caches are exported side by side. Either way the test stage the release
// target does not need is never built, a fresh runner reuses every stage, and a change to one dependency stage
// re-runs only it and what follows.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { execWithActions, type Exec } from '../../../src/buildx/exec.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import { describeWithTestbed, uniqueName } from '../../helpers/testbed.js';
import { branchContext, build, copyFixture, describeRecord, freshRunner, makeConfig, privateBase, removeFromRegistry, type Project } from './helpers.js';

const LONG = 600_000;
const TWO_DEPS = join(process.cwd(), '__tests__/fixtures/buildx/two-deps');

/** @actions/exec, counting how many `docker buildx build` run at once. */
function countingExec(): { exec: Exec; peak: () => number } {
  let running = 0;
  let peak = 0;
  const exec: Exec = async (cmd, args, opts) => {
    const isBuild = args[0] === 'buildx' && args[1] === 'build';
    if (isBuild) peak = Math.max(peak, ++running);
    try {
      return await execWithActions(cmd, args, opts);
    } finally {
      if (isBuild) running -= 1;
    }
  };
  return { exec, peak: () => peak };
}

/**
 * Lines of the log naming a stage's steps (`[codegen 2/3] RUN …`), by index. Not FROM: both stages start from the
 * same base, and BuildKit names that shared vertex after whichever build asked for it first.
 */
const linesOf = (log: string[], stage: string) => log.flatMap((l, i) => (l.includes(`[${stage} `) && !/\] FROM /.test(l) ? [i] : []));

describeWithTestbed('independent dependency stages', (bed) => {
  const name = uniqueName('e-twodeps');
  let project: Project;
  let base: string;
  let cacheRepo: string;
  let image: string;
  const figures: string[] = [];
  const our = () => ({ refs: [base, image], repos: [cacheRepo] });
  const config = () => makeConfig({ dir: project.dir, cacheRepo, mode: 'auto', base, tags: [image] });
  const ran = (r: BuildRecord) => r.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => `${s.name}: ${d.instruction}`));

  beforeAll(() => {
    project = copyFixture(TWO_DEPS);
    base = privateBase(bed(), `${name}-base`);
    cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
    image = `${bed().registry}/layerwise-test/${name}:ci`;
  }, LONG);
  afterAll(async () => {
    if (base) await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':')]);
    if (project) freshRunner(our());
    project?.remove();
    console.log(figures.join('\n'));
  }, LONG);

  test('cold: both dependency stages build at once with their caches; the test stage is not built', async () => {
    freshRunner(our());
    const counting = countingExec();
    const log: string[] = [];
    const cold = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), exec: counting.exec, log: (l) => log.push(l) });
    figures.push(describeRecord(`two deps cold (${cold.mode})`, cold));
    expect(cold.stages.map((s) => [s.name, s.cacheWrite])).toEqual([
      ['native', 'pushed'], ['codegen', 'pushed'], ['build', 'pushed'], ['release', 'pushed'],
    ]);
    expect(cold.cachedSteps).toBe(0);
    expect(cold.warnings).toEqual([]);
    if (cold.mode !== 'inline') {
      // One image build ran every step; then the three stage caches were exported at once.
      expect(cold.invocations?.map((i) => `${i.kind}:${i.stage}`)).toEqual(['image:release', 'stage:native', 'stage:codegen', 'stage:build']);
      expect(counting.peak()).toBe(3);
      const [native, codegen] = [linesOf(log, 'native'), linesOf(log, 'codegen')];
      const exports = log.findIndex((l) => l.startsWith('layerwise: stage '));
      // Both dependency stages ran inside the image build, before any export.
      expect([native.some((i) => i < exports), codegen.some((i) => i < exports)]).toEqual([true, true]);
      return;
    }
    expect(counting.peak()).toBe(2);
    // Each build's lines stay together although the two ran at the same time (up to the build stage's build,
    // which shows both stages' steps again, as cached).
    const both = log.slice(0, log.findIndex((l) => l.startsWith('layerwise: stage build')));
    const [native, codegen] = [linesOf(both, 'native'), linesOf(both, 'codegen')];
    expect(native.length).toBeGreaterThan(0);
    expect(codegen.length).toBeGreaterThan(0);
    expect(Math.max(...native) < Math.min(...codegen) || Math.max(...codegen) < Math.min(...native)).toBe(true);
  }, LONG);

  test('a fresh runner reuses every stage; a schema change re-runs codegen and what follows, not native', async () => {
    freshRunner(our());
    const again = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord(`two deps fresh runner (${again.mode})`, again));
    expect(again.cacheHitRatio).toBe(1);
    expect(again.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    // Registry caches: the image build alone, reading the target's export (every stage's steps).
    if (again.mode !== 'inline') expect(again.invocations?.map((i) => `${i.kind}:${i.stage}`)).toEqual(['image:release']);

    writeFileSync(join(project.dir, 'src/schema.txt'), 'SCHEMA_VERSION 2\n');
    freshRunner(our());
    const changed = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord(`two deps schema change (${changed.mode})`, changed));
    expect(ran(changed)).toEqual([
      'codegen: COPY src/schema.txt /schema.txt',
      "codegen: RUN mkdir -p /gen && sed 's/^/#define /' /schema.txt > /gen/table.h && sleep 2",
      'build: COPY --link --from=codegen /gen/table.h gen/table.h',
      'build: COPY src/main.txt ./', // unchanged, but on top of the changed copy
      'build: RUN cat main.txt gen/table.h /native/lib.so > /app.bin',
      'release: COPY --link --from=build /app.bin /app/app.bin',
    ]);
    expect(changed.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'pushed', 'pushed', 'pushed']);
    if (changed.mode !== 'inline') expect(changed.invocations?.map((i) => `${i.kind}:${i.stage}`)).toEqual(['image:release', 'stage:codegen', 'stage:build']);
    // BuildKit names linked copies `LINK COPY …`: the record keeps the instruction as written, with its line.
    expect(changed.stages.flatMap((s) => s.stepDetails).filter((d) => d.instruction.includes('--link')).map((d) => d.line)).toEqual([14, 22]);

    // The caches that run wrote (native's steps came from import) still serve the next change on a fresh runner.
    writeFileSync(join(project.dir, 'src/main.txt'), 'main v2\n');
    freshRunner(our());
    const next = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord(`two deps source change after (${next.mode})`, next));
    expect(ran(next)).toEqual([
      'build: COPY src/main.txt ./',
      'build: RUN cat main.txt gen/table.h /native/lib.so > /app.bin',
      'release: COPY --link --from=build /app.bin /app/app.bin',
    ]);
    expect(next.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'unchanged', 'pushed', 'pushed']);
  }, LONG);
});
