// The up-to-date skip in the cache modes whose caches carry no image with the content key, whole pipeline, on a
// fresh runner each run (containerd-store engine: it exports gha and registry caches with the docker driver):
// gha mode finds the result in the Actions cache (local Twirp v2 service + Azurite, @actions/cache unmodified),
// registry mode in a small artifact tagged by the key in the cache repository. A skipped run posts the full report.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src/config/types.js';
import type { RunContext } from '../../../src/core/run-context.js';
import { realPipelineIO } from '../../../src/pipeline/adapters.js';
import { runPipeline, type PipelineResult } from '../../../src/pipeline/run-pipeline.js';
import { actionsCacheResultStore } from '../../../src/uptodate/actions-cache-results.js';
import { resultTag } from '../../../src/uptodate/stored-result.js';
import { branchContext, freshRunner, makeConfig, privateBase, registryTags, removeFromRegistry } from '../buildx/helpers.js';
import { startCacheService, type CacheService } from '../../helpers/cache-service.js';
import { describeOnEngine, describeWithTestbed, uniqueName } from '../../helpers/testbed.js';

jest.setTimeout(600_000);

const DOCKERFILE = (base: string) => `FROM ${base} AS deps
RUN yes deps | head -c 300000 > /deps.txt
FROM deps AS app
COPY src.txt /src.txt
RUN cat /src.txt /deps.txt > /out.txt
`;
const MAIN = 'refs/heads/main';
const pr: RunContext = branchContext('feature', { event: 'pull_request', baseBranch: 'main', pr: { number: 9, baseRef: 'main', headRef: 'feature', headRepo: 'acme/app' } });

describeWithTestbed('up-to-date skip without a pushed image', (bed) => describeOnEngine('on the containerd image store', bed, { store: 'containerd' }, (engine) => {
  const name = uniqueName('lw-stored');
  const cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
  const saved = { ...process.env };
  let svc: CacheService;
  let base: string;
  let dir: string;
  let resultDir: string;

  beforeAll(async () => {
    base = privateBase(bed(), `${name}-base`, engine().host);
    dir = mkdtempSync(join(tmpdir(), 'lw-stored-'));
    resultDir = mkdtempSync(join(tmpdir(), 'lw-stored-result-'));
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE(base));
    writeFileSync(join(dir, 'src.txt'), 'v1\n');
    svc = await startCacheService();
  });
  afterAll(async () => {
    process.env = { ...saved };
    await svc?.close();
    freshRunner({ refs: [base] }, engine().host);
    await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':')]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(resultDir, { recursive: true, force: true });
  });

  async function run(mode: 'gha' | 'registry', ctx: RunContext): Promise<PipelineResult & { warnings: string[] }> {
    freshRunner({ refs: [base] }, engine().host);
    // @actions/cache reads the runner's variables from the process, as on a runner; buildx gets them through env.
    svc.state.writeScope = ctx.pr ? `refs/pull/${ctx.pr.number}/merge` : MAIN;
    svc.state.readScopes = [...new Set([svc.state.writeScope, MAIN])];
    Object.assign(process.env, svc.env);
    const config: Config = {
      ...makeConfig({ dir, cacheRepo: mode === 'registry' ? cacheRepo : undefined, mode, base }),
      imageKey: name, skipUnchanged: true, reportPath: join(resultDir, '..', `${name}-report.json`), // outside the context: it is an input
    };
    const warnings: string[] = [];
    const env = { ...process.env, ...(engine().host ? { DOCKER_HOST: engine().host } : {}) };
    const io = realPipelineIO({
      config, env, log: () => undefined, warn: (w) => warnings.push(w),
      actionsResultStore: actionsCacheResultStore({ dir: resultDir, imageKey: name }),
    });
    return { ...(await runPipeline(config, ctx, io)), warnings };
  }

  test('gha mode: the build stores its result in the Actions cache; a fresh runner and a PR skip with the full report', async () => {
    const first = await run('gha', branchContext('main'));
    expect(first.record.mode).toBe('gha');
    expect(first.record.totalSteps).toBe(3);
    expect(first.warnings).toEqual([]);
    const entry = svc.state.entries.find((e) => e.key.startsWith('layerwise-result-v1-'));
    expect(entry).toMatchObject({ scope: MAIN, finalized: true });

    for (const ctx of [branchContext('main'), pr]) {
      const again = await run('gha', ctx);
      expect(again.record.upToDate?.ref).toBe(`Actions cache entry ${entry?.key}`);
      expect(again.record.totalSteps).toBe(0);
      // The report is the measured one: same layers, sizes, and the image id and digest as outputs.
      expect(again.report.image.layers.map((l) => [l.instruction, l.sizeBytes, l.compressedBytes])).toEqual(
        first.report.image.layers.map((l) => [l.instruction, l.sizeBytes, l.compressedBytes]),
      );
      expect(again.record.imageId).toBe(first.record.imageId);
      expect(again.markdown).toMatch(/up to date|skipped/i);
    }
    // Nothing new stored by the skips (the PR may not write anyway).
    expect(svc.state.entries.filter((e) => e.key.startsWith('layerwise-result-v1-'))).toHaveLength(1);

    writeFileSync(join(dir, 'src.txt'), 'v2\n');
    const changed = await run('gha', branchContext('main'));
    expect(changed.record.upToDate).toBeUndefined();
    expect(changed.record.stages.flatMap((s) => s.stepDetails.filter((d) => !d.cached).map((d) => d.instruction))).toEqual(['COPY src.txt /src.txt', 'RUN cat /src.txt /deps.txt > /out.txt']);
  });

  test('registry mode: the result is an artifact tagged by the content key in the cache repository; the next run skips', async () => {
    writeFileSync(join(dir, 'src.txt'), 'v3\n');
    const first = await run('registry', branchContext('main'));
    expect(first.record.mode).toBe('registry');
    expect(first.record.totalSteps).toBe(3);
    const tags = await registryTags(bed().registry, cacheRepo.slice(bed().registry.length + 1));
    const resultTags = tags.filter((t) => t.startsWith('layerwise-result-'));
    expect(resultTags).toHaveLength(1);

    const again = await run('registry', branchContext('main'));
    expect(again.record.upToDate?.ref).toBe(`${cacheRepo}:${resultTags[0]}`);
    expect(resultTag(again.record.upToDate!.key)).toBe(resultTags[0]);
    expect(again.record.totalSteps).toBe(0);
    expect(again.report.image.compressedBytes).toBe(first.report.image.compressedBytes);
    expect(again.warnings).toEqual([]);
  });
}));
