// Issue 12 item 4 on the test bed: a stage cache tag is shared state. After A → B → A in one scope, or with two
// runs at once on one scope (two engines = two runners, one registry), the tag may hold another build. Every
// run must still end with the tag holding what it says and with true compressed sizes — read from a copy that
// holds this image, or estimated with gzip and marked so — never the uncompressed tar length.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realPipelineIO } from '../../../src/pipeline/adapters.js';
import { runPipeline, type PipelineResult } from '../../../src/pipeline/run-pipeline.js';
import { RegistryClient, resolveImage } from '../../../src/registry/index.js';
import { branchContext, makeConfig, privateBase, removeFromRegistry } from '../buildx/helpers.js';
import { describeWithTestbed, uniqueName } from '../../helpers/testbed.js';

jest.setTimeout(600_000);

/** 1.5 MB of repeated text per layer: a few kB gzipped, so a tar length passed off as compressed shows at once. */
const DOCKERFILE = (base: string) => `FROM ${base} AS deps
RUN yes deps | head -c 1500000 > /deps.txt
FROM deps AS build
COPY src.txt /src.txt
RUN yes "$(cat /src.txt)" | head -c 1500000 > /out.txt
FROM ${base}
COPY --from=build /out.txt /out.txt
`;

describeWithTestbed('one cache scope, several builds', (bed) => {
  const name = uniqueName('lw-scope');
  const cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
  const dirs: string[] = [];
  let base: string;

  beforeAll(() => {
    base = privateBase(bed(), `${name}-base`);
  });
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':')]);
  });

  function project(source: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'lw-scope-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE(base));
    writeFileSync(join(dir, 'src.txt'), source);
    return dir;
  }

  async function run(dir: string, host?: string): Promise<PipelineResult> {
    const config = { ...makeConfig({ dir, cacheRepo, mode: 'inline', base }), imageKey: name, reportPath: join(dir, 'report.json') };
    const env = { ...process.env, ...(host ? { DOCKER_HOST: host } : {}) };
    const warnings: string[] = [];
    const io = realPipelineIO({ config, env, log: () => undefined, warn: (w) => warnings.push(w) });
    const result = await runPipeline(config, branchContext('main'), io);
    return result;
  }

  /** True figures: no layer's compressed size is its tar length, and the text layers are a few kB compressed. */
  function expectTrueSizes(r: PipelineResult): void {
    const layers = r.report.image.layers;
    expect(layers.map((l) => l.compressedSource).filter((s) => s === 'tar')).toEqual([]);
    const text = layers.filter((l) => l.instruction.includes('/out.txt'));
    expect(text.map((l) => l.sizeBytes)).toEqual([1_500_000]);
    for (const l of text) expect(l.compressedBytes).toBeLessThan(100_000);
  }

  async function tagLayers(tag: string): Promise<string[]> {
    const image = await resolveImage(new RegistryClient({ timeoutMs: 15_000 }), `${cacheRepo}:${tag}`);
    return image.config.rootfs?.diff_ids ?? [];
  }

  test('A → B → A: the third run finds the tag holding B, pushes A again, and measures true sizes', async () => {
    const a = project('release A');
    const b = project('release B');
    const first = await run(a);
    expectTrueSizes(first);
    const second = await run(b);
    expectTrueSizes(second);
    expect(await tagLayers('stage-2--br-main')).toEqual(second.report.image.layers.map((l) => l.diffId));

    const third = await run(a);
    expectTrueSizes(third);
    const target = third.record.stages.find((s) => s.name === '2');
    expect(target?.cacheWrite).toBe('pushed');
    expect(await tagLayers('stage-2--br-main')).toEqual(third.report.image.layers.map((l) => l.diffId));
    expect(third.report.image.layers.map((l) => l.diffId)).toEqual(first.report.image.layers.map((l) => l.diffId));
  });

  test('two runners at once on one scope: both finish with true sizes, and the tag holds one of them whole', async () => {
    if (!bed().ctrdHost) throw new Error('the containerd-store engine is part of the bed (scripts/testbed.sh --ctrd)');
    const [x, y] = await Promise.all([run(project('concurrent X')), run(project('concurrent Y'), bed().ctrdHost)]);
    expectTrueSizes(x);
    expectTrueSizes(y);
    const held = await tagLayers('stage-2--br-main');
    expect([x, y].map((r) => r.report.image.layers.map((l) => l.diffId))).toContainEqual(held);
  });
});
