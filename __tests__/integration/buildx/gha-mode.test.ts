// Per-stage caches in the GitHub Actions cache (`--cache-to type=gha,scope=<image-key>/<stage>/<scope>,mode=max`)
// on the bed's containerd-store engine, whose BuildKit talks to the project's local cache service (Twirp v2 +
// Azurite) through the variables a runner gives a JavaScript action. No cache repository, no registry login.
import { branchContext, build, copyFixture, describeRecord, freshRunner, makeConfig, privateBase, removeFromRegistry, type Project } from './helpers.js';
import { ghaIndexKey } from '../../../src/buildx/gha-index.js';
import type { BuildRecord } from '../../../src/buildx/types.js';
import type { RunContext } from '../../../src/core/run-context.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { describeOnEngine, describeWithTestbed, uniqueName } from '../../helpers/testbed.js';

const LONG = 600_000;
const MAIN = 'refs/heads/main';
const ran = (r: BuildRecord) => r.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => `${s.name}: ${d.instruction}`));

describeWithTestbed('per-stage caches in the Actions cache', (bed) => describeOnEngine('on the containerd image store', bed, { store: 'containerd' }, (engine) => {
  const name = uniqueName('e-gha');
  let project: Project;
  let host: string | undefined;
  let base: string;
  let svc: CacheService;
  const figures: string[] = [];
  const our = () => ({ refs: [base] });
  // No tags, no cache-repo: `auto` must pick the Actions cache by itself.
  const config = () => makeConfig({ dir: project.dir, mode: 'auto', base });
  const runAs = (writeScope: string, readScopes: string[]) => {
    svc.state.writeScope = writeScope;
    svc.state.readScopes = readScopes;
    return svc.env;
  };
  const creates = () => svc.state.calls.filter((c) => c === 'CreateCacheEntry').length;
  const indexKeys = () => svc.state.entries.filter((e) => e.finalized && e.key.startsWith('index-')).map((e) => `${e.scope} ${e.key.replace(/#\d+$/, '')}`).sort();
  const pr = (over: Partial<RunContext> = {}): RunContext =>
    branchContext('feature', { event: 'pull_request', baseBranch: 'main', pr: { number: 7, baseRef: 'main', headRef: 'feature', headRepo: 'acme/app' }, ...over });

  beforeAll(async () => {
    host = engine().host;
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`, host);
    svc = await startCacheService();
  }, LONG);
  afterAll(async () => {
    await svc?.close();
    if (base) await removeFromRegistry([base.split(':').slice(0, -1).join(':')]);
    if (project) freshRunner(our(), host);
    project?.remove();
    console.log(figures.join('\n'));
  }, LONG);

  test('auto picks gha with no cache repository; the cold build writes every stage its own scope; a fresh runner runs nothing', async () => {
    freshRunner(our(), host);
    const env = runAs(MAIN, [MAIN]);
    const cold = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host, env });
    figures.push(describeRecord('gha cold', cold));
    expect(cold.mode).toBe('gha');
    expect(cold.cachedSteps).toBe(0);
    expect(cold.stages.map((s) => [s.name, s.cacheWrite, s.cacheRef])).toEqual([
      ['deps', 'pushed', 'app/deps/br-main'],
      ['build', 'pushed', 'app/build/br-main'],
      ['2', 'pushed', 'app/stage-2/br-main'],
    ]);
    expect(cold.warnings).toEqual([]);
    // The index entries BuildKit wrote, under the keys our existence check asks for.
    expect(indexKeys()).toEqual(['app/build/br-main', 'app/deps/br-main', 'app/stage-2/br-main'].map((s) => `${MAIN} ${ghaIndexKey(s, MAIN)}`));

    freshRunner(our(), host);
    const again = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host, env });
    figures.push(describeRecord('gha fresh runner', again));
    expect(again.cacheHitRatio).toBe(1);
    // Found before the build, so unchanged stages are not re-exported (a re-export of a fully cached build
    // writes incomplete records).
    expect(again.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.cacheSources.filter((c) => c.status === 'imported').map((c) => c.ref).sort()).toEqual(['app/build/br-main', 'app/deps/br-main', 'app/stage-2/br-main']);
  }, LONG);

  test('source change on a fresh runner: deps CACHED, only the changed steps run, and twice in a row', async () => {
    const env = runAs(MAIN, [MAIN]);
    for (const v of [2, 3]) {
      project.setSource(`main v${v} (gha)`);
      freshRunner(our(), host);
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host, env });
      figures.push(describeRecord(`gha source change ${v}`, r));
      expect(ran(r)).toEqual(['build: COPY src/ ./', 'build: RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', '2: COPY --from=build /app.bin /app/app.bin']);
      expect(r.stages.map((s) => s.cacheWrite)).toEqual(['unchanged', 'pushed', 'pushed']);
    }
  }, LONG);

  test("a pull request reads the base branch's scopes and, without write-pr-scope, writes nothing; nor does a fork", async () => {
    project.setSource('pr change (gha)');
    for (const [label, ctx] of [['same-repository PR', pr()], ['fork PR', pr({ fork: true, readOnly: true, pr: { number: 8, baseRef: 'main', headRef: 'f', headRepo: 'someone/app' } })]] as const) {
      const env = runAs(`refs/pull/${ctx.pr?.number}/merge`, [`refs/pull/${ctx.pr?.number}/merge`, MAIN]);
      const before = creates();
      freshRunner(our(), host);
      const r = await build({ dir: project.dir, config: config(), ctx, host, env });
      figures.push(describeRecord(`gha ${label}`, r));
      expect(r.mode).toBe('gha');
      expect(ran(r)).toEqual(['build: COPY src/ ./', 'build: RUN cat main.txt /deps/lib1.so > /app.bin && sleep 1', '2: COPY --from=build /app.bin /app/app.bin']);
      expect(r.stages.every((s) => s.cacheWrite === undefined && !s.cacheRef)).toBe(true);
      expect(creates() - before).toBe(0);
    }
  }, LONG);

  test('cache service refusing (403): the build succeeds and says so in a warning', async () => {
    const env = runAs(MAIN, [MAIN]);
    svc.state.failWith = 403;
    try {
      project.setSource('main v4 (gha, service down)');
      freshRunner(our(), host);
      const r = await build({ dir: project.dir, config: config(), ctx: branchContext('main'), host, env });
      figures.push(describeRecord('gha service refusing', r));
      expect(r.totalSteps).toBe(6);
      expect(r.warnings.some((w) => /^Actions cache check failed, building without those caches: .*HTTP 403/.test(w))).toBe(true);
      expect(r.cacheSources.every((c) => c.status === 'error')).toBe(true);
    } finally {
      svc.state.failWith = undefined;
    }
  }, LONG);
}));
