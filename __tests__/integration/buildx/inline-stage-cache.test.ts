// Per-stage inline caches on the default engine (docker driver, classic store — GitHub's runners), on the
// real local registry: fresh runners reuse every stage; a source change re-runs only the compile step and
// what follows; with only the final image as cache the dependency stage re-runs; four fresh rounds in a
// row keep their hits (moby/buildkit#2274, #7146); a read-only run pushes nothing.
import { spawnSync } from 'node:child_process';
import { RawJsonProgress } from '../../../src/buildx/progress.js';
import { summarizeVertices } from '../../../src/buildx/steps.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import {
  branchContext, build, copyFixture, describeRecord, freshRunner, makeConfig, manifestDigest, privateBase, registryTags, type Project, removeFromRegistry,
} from './helpers.js';

describeWithTestbed('per-stage inline cache on the default engine', (bed) => {
  const name = uniqueName('e-inline');
  let project: Project;
  let base: string;
  let cacheRepo: string;
  let image: string;
  const figures: string[] = [];
  const LONG = 600_000; // jest's testTimeout is global, not per project
  const our = () => ({ refs: [base, image], repos: [cacheRepo] });
  const config = () => makeConfig({ dir: project.dir, cacheRepo, mode: 'inline', base, tags: [image] });
  const stage = (r: BuildRecord, n: string) => r.stages.find((s) => s.name === n);

  beforeAll(() => {
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`);
    cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
    image = `${bed().registry}/layerwise-test/${name}:ci`;
  }, LONG);
  afterAll(async () => {
    if (base) await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':'), image.split(':').slice(0, -1).join(':')]);
    freshRunner(our());
    project?.remove();
    console.log(figures.join('\n'));
  }, LONG);

  test('cold build pushes one cache image per stage; a fresh runner then rebuilds with every step CACHED', async () => {
    freshRunner(our());
    const cold = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord('inline cold', cold));
    expect(cold.mode).toBe('inline');
    expect(cold.totalSteps).toBe(6); // deps RUN · WORKDIR, COPY, RUN · COPY, COPY (FROM excluded)
    expect(cold.cachedSteps).toBe(0);
    expect(stage(cold, 'deps')?.seconds).toBeGreaterThan(3.5); // the sleep 4 really ran
    expect(cold.stages.map((s) => [s.name, s.pushed, s.cacheRef])).toEqual([
      ['deps', true, `${cacheRepo}:deps--br-main`],
      ['build', true, `${cacheRepo}:build--br-main`],
      ['2', true, `${cacheRepo}:stage-2--br-main`],
    ]);
    const repoPath = cacheRepo.slice(bed().registry.length + 1);
    // Each ref, and its copy as the last complete export (the cold build ran every step itself).
    expect(await registryTags(bed().registry, repoPath)).toEqual(
      ['build--br-main', 'build--br-main--full', 'deps--br-main', 'deps--br-main--full', 'stage-2--br-main', 'stage-2--br-main--full'],
    );
    // Stage images in the daemon carry the label cleanup selects on; the final image is loaded under its tag.
    expect(docker(['image', 'inspect', '--format', '{{index .Config.Labels "dev.layerwise.intermediate"}}', `${cacheRepo}:deps--br-main`]).trim()).toBe('true');
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim()).toBe(cold.imageId);
    expect(cold.cacheSources.every((s) => s.status === 'missing')).toBe(true);

    freshRunner(our());
    const warm = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord('inline fresh runner, no change', warm));
    expect(warm.cachedSteps).toBe(warm.totalSteps);
    expect(warm.totalSteps).toBe(6);
    expect(warm.cacheHitRatio).toBe(1);
    expect(warm.stages.every((s) => s.stepDetails.every((d) => d.cached))).toBe(true);
    expect(warm.cacheSources.filter((s) => s.status === 'imported').map((s) => s.ref).sort()).toEqual(
      ['build--br-main', 'build--br-main--full', 'deps--br-main', 'deps--br-main--full', 'stage-2--br-main', 'stage-2--br-main--full'].map((t) => `${cacheRepo}:${t}`),
    );
    expect(stage(warm, 'build')?.cacheFrom.every((r) => /@sha256:[0-9a-f]{64}$/.test(r))).toBe(true);
    expect(stage(warm, 'deps')?.seconds).toBeLessThan(1);
    // Nothing changed: the refs are current and are not re-exported (that is what truncates inline caches).
    expect(warm.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  }, LONG);

  test('four fresh-runner rounds in a row keep ≥ 90 % hits (inline re-export bug guard)', async () => {
    for (let round = 1; round <= 4; round++) {
      freshRunner(our());
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
      figures.push(describeRecord(`inline round ${round}`, r));
      expect(r.cacheHitRatio).toBeGreaterThanOrEqual(0.9);
      expect(r.stages.every((s) => s.cacheWrite !== 'failed')).toBe(true);
    }
  }, LONG);

  test('source change on a fresh runner: deps CACHED, only the compile step and what follows run', async () => {
    // The final image alone, as build-push-action users push it, with its inline cache (before the change).
    const finalOnly = `${cacheRepo}:final-only`;
    docker(['buildx', 'build', '--build-arg', `BASE=${base}`, '--tag', finalOnly, '--cache-to', 'type=inline', '--push', '--progress=quiet', project.dir]);

    project.setSource('main v2');
    freshRunner(our());
    const changed = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord('inline source change', changed));
    const ran = changed.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => `${s.name}: ${d.instruction}`));
    expect(ran).toEqual(['build: COPY src/ ./', 'build: RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', '2: COPY --from=build /app.bin /app/app.bin']);
    expect(stage(changed, 'deps')?.cachedSteps).toBe(1);
    expect(stage(changed, 'build')?.stepDetails.find((d) => d.instruction.startsWith('WORKDIR'))?.cached).toBe(true);
    expect(stage(changed, 'build')?.stepDetails.find((d) => d.instruction.startsWith('RUN'))?.line).toBe(11); // Dockerfile line of the compile step
    expect(changed.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'pushed', 'pushed']);

    // What a partly cached build exported is complete: the next fresh runner hits every step.
    freshRunner(our());
    const after = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
    figures.push(describeRecord('inline fresh runner after the change', after));
    expect(after.cacheHitRatio).toBe(1);

    // Source changes in a row: a partly cached inline re-export drops the imported steps before the first
    // re-run one (WORKDIR, COPY --from=deps re-ran every other build without the `--full` copy).
    for (const v of [3, 4, 5]) {
      project.setSource(`main v${v}`);
      freshRunner(our());
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main') });
      figures.push(describeRecord(`inline source change ${v}`, r));
      const reran = r.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => d.instruction));
      expect(reran).toEqual(['COPY src/ ./', 'RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', 'COPY --from=build /app.bin /app/app.bin']);
    }
    const repoPath = cacheRepo.slice(bed().registry.length + 1);
    expect(await registryTags(bed().registry, repoPath)).toEqual(
      ['build--br-main', 'build--br-main--full', 'deps--br-main', 'deps--br-main--full', 'final-only', 'stage-2--br-main', 'stage-2--br-main--full'],
    );

    // The workaround matters: with only the final image as cache source, the dependency stage re-runs.
    project.setSource('main v6');
    freshRunner({ ...our(), refs: [...our().refs, finalOnly] });
    const started = Date.now();
    const stderr = dockerStderr(['buildx', 'build', '--build-arg', `BASE=${base}`, '--cache-from', finalOnly, '--progress=rawjson', '--output', 'type=cacheonly', project.dir]);
    const seconds = (Date.now() - started) / 1000;
    const progress = new RawJsonProgress();
    progress.feed(stderr);
    progress.end();
    const steps = summarizeVertices(progress.vertices()).steps;
    const depsRun = steps.find((s) => s.stage === 'deps' && s.keyword === 'RUN');
    expect(depsRun?.cached).toBe(false);
    expect(depsRun?.seconds).toBeGreaterThan(3.5);
    figures.push(
      `final image only as cache, source change: deps RUN re-ran in ${depsRun?.seconds.toFixed(1)}s (${seconds.toFixed(1)}s wall), ` +
        `vs ${stage(changed, 'deps')?.seconds}s with per-stage caches (${changed.seconds}s wall for all stage builds)`,
    );
  }, LONG);

  test('read-only context: caches are read, nothing is pushed (registry unchanged)', async () => {
    const repoPath = cacheRepo.slice(bed().registry.length + 1);
    const before = await Promise.all(['deps--br-main', 'build--br-main', 'stage-2--br-main'].map((t) => manifestDigest(bed().registry, repoPath, t)));
    const tagsBefore = await registryTags(bed().registry, repoPath);
    freshRunner(our());
    const cfg = makeConfig({ dir: project.dir, cacheRepo, mode: 'inline', base, tags: [image], push: true });
    const ctx = branchContext('feature/x', {
      event: 'pull_request', fork: true, readOnly: true, canComment: false,
      pr: { number: 7, baseRef: 'main', headRef: 'feature/x', headRepo: 'someone/app' },
    });
    const r = await build({ dir: project.dir, config: cfg, ctx });
    figures.push(describeRecord('inline read-only fork PR', r));
    expect(r.cachePolicy?.writeScope).toBeUndefined();
    expect(r.cachePolicy?.reason).toMatch(/read-only/);
    // Stage by stage as branch runs (one build importing every ref at once missed WORKDIR at random), writing nothing.
    expect(r.invocations?.map((i) => `${i.kind} ${i.stage}${i.writes ? ` → ${i.writes}` : ''}`)).toEqual(['stage deps', 'stage build', 'stage 2', 'image 2']);
    expect(r.stages.every((s) => !s.pushed && s.cacheRef === undefined)).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/push skipped: read-only/);
    // It read the main branch caches (and their complete copies): only the changed source and what follows ran.
    expect(r.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => d.instruction))).toEqual(
      ['COPY src/ ./', 'RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', 'COPY --from=build /app.bin /app/app.bin'],
    );
    expect(await registryTags(bed().registry, repoPath)).toEqual(tagsBefore);
    const after = await Promise.all(['deps--br-main', 'build--br-main', 'stage-2--br-main'].map((t) => manifestDigest(bed().registry, repoPath, t)));
    expect(after).toEqual(before);
    expect(await registryTags(bed().registry, image.slice(bed().registry.length + 1).split(':')[0])).toEqual([]);
  }, LONG);
});

/** Runs docker and returns its stderr (where buildx writes progress); throws on failure. */
function dockerStderr(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr}`);
  return r.stderr;
}
