// Registry cache mode (`--cache-to type=registry,mode=max,ignore-error=true` per stage) on the bed's engine
// with the containerd image store — the docker driver refuses registry cache export on the classic store.
// `auto` must find that out by itself.
import { registryBaselineStore } from '../../../src/baseline/registry-store.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import { RegistryClient, resolveImage } from '../../../src/registry/index.js';
import { describeOnEngine, describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { branchContext, build, copyFixture, describeRecord, freshRunner, makeConfig, privateBase, registryTags, removeFromRegistry, type Project } from './helpers.js';

const LONG = 600_000;

describeWithTestbed('per-stage registry cache', (bed) => describeOnEngine('on the containerd image store', bed, { store: 'containerd' }, (engine) => {
  const name = uniqueName('e-registry');
  let project: Project;
  let host: string | undefined;
  let base: string;
  let cacheRepo: string;
  let image: string;
  const figures: string[] = [];
  const our = () => ({ refs: [base, image], repos: [cacheRepo] });
  const config = () => makeConfig({ dir: project.dir, cacheRepo, mode: 'auto', base, tags: [image] });
  const stage = (r: BuildRecord, n: string) => r.stages.find((s) => s.name === n);

  beforeAll(() => {
    host = engine().host;
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`, host);
    cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
    image = `${bed().registry}/layerwise-test/${name}:ci`;
  }, LONG);
  afterAll(async () => {
    if (base) await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':')]);
    if (project) freshRunner(our(), host);
    project?.remove();
    console.log(figures.join('\n'));
  }, LONG);

  test('auto picks registry mode; a fresh runner rebuilds with every step CACHED; four more rounds stay ≥ 90 %', async () => {
    freshRunner(our(), host);
    const cold = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host });
    figures.push(describeRecord('registry cold', cold));
    expect(cold.mode).toBe('registry');
    expect(cold.totalSteps).toBe(6);
    expect(cold.cachedSteps).toBe(0);
    expect(cold.stages.map((s) => [s.name, s.cacheWrite, s.cacheRef])).toEqual([
      ['deps', 'pushed', `${cacheRepo}:deps--br-main`],
      ['build', 'pushed', `${cacheRepo}:build--br-main`],
      ['2', 'pushed', `${cacheRepo}:stage-2--br-main`],
    ]);
    expect(await registryTags(bed().registry, cacheRepo.slice(bed().registry.length + 1))).toEqual(['build--br-main', 'deps--br-main', 'stage-2--br-main']);
    // Registry mode creates no stage images; the final image is loaded, named by its manifest digest here.
    expect(docker(['image', 'ls', '-q', cacheRepo], { host }).trim()).toBe('');
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image], { host }).trim()).toBe(cold.imageId);
    // A registry-mode tag read as an image (the baseline store does in auto mode) is said to be a cache, and the
    // baseline store takes it as no baseline rather than a broken image.
    await expect(resolveImage(new RegistryClient({}), `${cacheRepo}:stage-2--br-main`)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
    const store = registryBaselineStore({ refFor: () => `${cacheRepo}:stage-2--br-main` });
    expect(await store.load({ imageKey: 'app', branch: 'main' })).toBeUndefined();

    for (let round = 1; round <= 5; round++) {
      freshRunner(our(), host);
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host });
      figures.push(describeRecord(`registry round ${round}`, r));
      if (round === 1) expect(r.cacheHitRatio).toBe(1);
      expect(r.cacheHitRatio).toBeGreaterThanOrEqual(0.9);
      expect(r.warnings).toEqual([]);
      expect(r.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    }
  }, LONG);

  test('source change on a fresh runner: deps CACHED, only the compile step and what follows run', async () => {
    project.setSource('main v2 (registry)');
    freshRunner(our(), host);
    const changed = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host });
    figures.push(describeRecord('registry source change', changed));
    const ran = changed.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => `${s.name}: ${d.instruction}`));
    expect(ran).toEqual(['build: COPY src/ ./', 'build: RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', '2: COPY --from=build /app.bin /app/app.bin']);
    expect(stage(changed, 'deps')?.seconds).toBeLessThan(1);
    expect(changed.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'pushed', 'pushed']);

    freshRunner(our(), host);
    const after = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host });
    figures.push(describeRecord('registry fresh runner after the change', after));
    expect(after.cacheHitRatio).toBe(1);

    // Source changes in a row stay steady: each exported cache keeps the steps it imported (inline caches
    // lose them every other build — moby/buildkit#2274 — which is why auto prefers registry mode).
    for (const v of [3, 4, 5]) {
      project.setSource(`main v${v} (registry)`);
      freshRunner(our(), host);
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host });
      figures.push(describeRecord(`registry source change ${v}`, r));
      const reran = r.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => d.instruction));
      expect(reran).toEqual(['COPY src/ ./', 'RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', 'COPY --from=build /app.bin /app/app.bin']);
    }
  }, LONG);

  test('registry down: the build succeeds, the cache export failure is a warning with the reason', async () => {
    const down = 'localhost:5999/layerwise-test/nothing-listens-here';
    freshRunner(our(), host);
    const r = await build({ dir: project.dir, config: makeConfig({ dir: project.dir, cacheRepo: down, mode: 'registry', base, tags: [image] }), ctx: branchContext('main'), host });
    figures.push(describeRecord('registry mode, registry down', r));
    expect(r.totalSteps).toBe(6);
    expect(r.stages.every((s) => s.cacheWrite === 'failed' && !s.pushed && s.cacheRef === undefined)).toBe(true);
    expect(r.warnings.some((w) => /cache registry check failed.*localhost:5999/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /exporting cache to registry failed \(.*connection refused/.test(w))).toBe(true);
    expect(r.cacheSources.every((s) => s.status === 'error')).toBe(true);
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image], { host }).trim()).toBe(r.imageId);
  }, LONG);
}));
