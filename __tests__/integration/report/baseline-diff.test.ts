// Two images built on the test bed — a base, and a change that adds a junk-carrying layer and grows the app —
// compared through the registry baseline store, on the default engine (either image store). Expected sizes
// come from outside our code: GNU tar over `docker save` for file bytes, the registry's manifest for
// compressed bytes.
import { reportFrom } from '../../helpers/report.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConfig } from '../../../src/cli/shared.js';
import { compareForCli } from '../../../src/cli/compare.js';
import { findBaseline } from '../../../src/baseline/find.js';
import { registryBaselineStore } from '../../../src/baseline/registry-store.js';
import { compareImages } from '../../../src/compare/compare.js';
import { readBudgetRules } from '../../../src/config/budget.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { analyzeImage } from '../../../src/image/analyze.js';
import { registryImage } from '../../../src/image/sources.js';
import { RegistryClient } from '../../../src/registry/index.js';
import type { ImageAnalysis } from '../../../src/image/types.js';
import { InputError } from '../../../src/core/errors.js';
import { renderJson } from '../../../src/report/build.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { registryManifestSizes, savedLayerFileBytes } from '../../helpers/image-oracles.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';

const PLATFORM = 'linux/amd64';

function dockerfile(base: string, junk: boolean): string {
  return [
    `FROM ${base}`,
    'RUN mkdir -p /data && dd if=/dev/zero of=/data/blob bs=1000 count=500 2>/dev/null',
    ...(junk ? ['RUN mkdir -p /var/cache/apk && dd if=/dev/urandom of=/var/cache/apk/APKINDEX.tar.gz bs=1000 count=2000 2>/dev/null'] : []),
    'COPY app.txt /app/app.txt',
    '',
  ].join('\n');
}

/** Regular-file bytes per layer, by GNU tar over the `docker save` archive (not our tar reader). */
function tarFileBytes(ref: string, dir: string): { diffIds: string[]; bytes: number[] } {
  const archive = join(dir, `${uniqueName('save')}.tar`);
  docker(['save', '-o', archive, ref]);
  const bytes = savedLayerFileBytes(archive);
  const diffIds = JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])) as string[];
  rmSync(archive);
  return { diffIds, bytes };
}

describeWithTestbed('report: registry baseline, per-layer diff, budget, hint', (bed) => {
  let dir: string;
  let repo: string;
  const images: string[] = [];
  let baseRef: string;
  let prRef: string;
  let prDockerfile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'layerwise-c-'));
    repo = `layerwise-test/${uniqueName('c-report')}`;
    baseRef = `${bed().registry}/${repo}:base`;
    prRef = `${bed().registry}/${repo}:pr`;
    for (const [name, ref, junk, appBytes] of [['base', baseRef, false, 10_000], ['pr', prRef, true, 60_000]] as const) {
      const ctx = join(dir, name);
      mkdirSync(ctx);
      writeFileSync(join(ctx, 'app.txt'), 'a'.repeat(appBytes));
      writeFileSync(join(ctx, 'Dockerfile'), dockerfile(bed().baseImage, junk));
      docker(['buildx', 'build', '--load', '--platform', PLATFORM, '-t', ref, ctx]);
      images.push(ref);
      docker(['push', '-q', ref]);
    }
    prDockerfile = readFileSync(join(dir, 'pr', 'Dockerfile'), 'utf8');
  });

  afterAll(async () => {
    for (const ref of images) spawnQuiet(['rmi', ref]);
    rmSync(dir, { recursive: true, force: true });
    // Our test repository only: remove its manifests from the open registry.
    const client = new RegistryClient();
    for (const ref of [baseRef, prRef]) {
      const head = await client.headManifest(ref).catch(() => null);
      if (head) await client.deleteManifest(ref, head.digest).catch(() => false);
    }
  });

  function spawnQuiet(args: string[]) {
    try {
      docker(args);
    } catch {
      /* already gone */
    }
  }

  async function current(): Promise<ImageAnalysis> {
    const graph = buildStageGraph(prDockerfile, { file: 'Dockerfile' });
    return analyzeImage(registryImage(prRef), { platform: PLATFORM, graph });
  }

  test('per-layer deltas match tar and the registry manifests; the verdict fails; the hint names line 3', async () => {
    const cur = await current();
    const store = registryBaselineStore({ refFor: (k) => (k.branch === 'main' ? baseRef : undefined), current: () => cur, platform: PLATFORM });
    const found = await findBaseline([store], { imageKey: 'app', branch: 'main' });
    expect(found.tried).toEqual([`registry: hit (${baseRef})`]);
    const baseline = found.baseline!;

    // Independent measurements.
    const baseTar = tarFileBytes(baseRef, dir);
    const prTar = tarFileBytes(prRef, dir);
    const baseGz = await registryManifestSizes(baseRef);
    const prGz = await registryManifestSizes(prRef);
    expect(baseline.analysis.layers.map((l) => [l.diffId, l.sizeBytes, l.compressedBytes])).toEqual(
      baseTar.diffIds.map((d, i) => [d, baseTar.bytes[i], baseGz[i]]),
    );
    expect(cur.layers.map((l) => [l.diffId, l.sizeBytes, l.compressedBytes])).toEqual(prTar.diffIds.map((d, i) => [d, prTar.bytes[i], prGz[i]]));
    // Only the base layers the PR image does not share were downloaded.
    const n = baseTar.diffIds.length;
    const shared = baseTar.diffIds.filter((d) => prTar.diffIds.includes(d)).length;
    expect(baseline.analysis.warnings).toContain(
      `registry baseline: ${n - shared} of ${n} layer blobs downloaded (the rest are shared with the current image); wasted bytes are estimated`,
    );

    const diff = compareImages(baseline.analysis, cur);
    // Base: k busybox layers, data, app. PR: k busybox layers, data, junk, app.
    const k = n - 2;
    expect(prTar.diffIds).toHaveLength(k + 3);
    const dataSame = baseTar.diffIds[k] === prTar.diffIds[k];
    const baseRows = Array.from({ length: k }, (_, i) => ['unchanged', i, i]);
    expect(diff.layers.map((l) => [l.status, l.index, l.baseIndex])).toEqual([
      ...baseRows,
      [dataSame ? 'unchanged' : 'changed', k, k],
      ['added', k + 1, undefined],
      ['changed', k + 2, k + 1],
    ]);
    expect(diff.layers.map((l) => l.delta)).toEqual([
      ...baseRows.map(() => ({ compressedBytes: 0, sizeBytes: 0 })),
      { compressedBytes: prGz[k] - baseGz[k], sizeBytes: prTar.bytes[k] - baseTar.bytes[k] },
      { compressedBytes: prGz[k + 1], sizeBytes: prTar.bytes[k + 1] },
      { compressedBytes: prGz[k + 2] - baseGz[k + 1], sizeBytes: prTar.bytes[k + 2] - baseTar.bytes[k + 1] },
    ]);
    // What the Dockerfiles wrote: 2 000 000 junk bytes, and the app file grew by 50 000.
    const junk = diff.layers[k + 1];
    const app = diff.layers[k + 2];
    expect(junk.delta.sizeBytes).toBe(2_000_000);
    expect(app.delta.sizeBytes).toBe(50_000);
    expect(junk.files[0]).toEqual({ path: 'var/cache/apk/APKINDEX.tar.gz', currentBytes: 2_000_000, deltaBytes: 2_000_000, change: 'appeared' });
    expect(app.files[0]).toMatchObject({ path: 'app/app.txt', baseBytes: 10_000, currentBytes: 60_000, deltaBytes: 50_000, change: 'grew' });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(diff.delta.compressedBytes).toBe(sum(prGz) - sum(baseGz));
    expect(diff.delta.sizeBytes).toBe(sum(prTar.bytes) - sum(baseTar.bytes));

    // urandom does not compress: growth is ~2 MB and far over 10 %.
    const rules = readBudgetRules({ inputs: { maxGrowth: '1MB,10%', maxSize: '50MB' }, imageKey: 'app' });
    const report = reportFrom({ imageKey: 'app', image: cur, baseline, baselineTried: found.tried, rules, generatedAt: new Date() });
    expect(report.verdict.status).toBe('fail');
    expect(report.verdict.deciding.map((r) => r.metric)).toEqual(['growth-bytes', 'growth-percent']);
    expect(report.verdict.deciding[0].actual).toBe(sum(prGz) - sum(baseGz));

    const hint = cur.hints.find((h) => h.rule === 'apk-cache');
    expect(hint).toMatchObject({ layerIndex: cur.layers.length - 2, line: 3, bytes: 2_000_000, paths: ['/var/cache/apk'] });
    expect(cur.layers[cur.layers.length - 2].line).toBe(3);

    const md = renderMarkdown(report);
    expect(md.split('\n')[0]).toMatch(/^### ❌ app: [\d.]+ MB compressed \(\+[\d.]+ (MB|kB), \+[\d.]+ %\) — max growth 1\.00 MB and 10 %$/);
    expect(md).toContain('Dockerfile line 3');
    // Layers are numbered from 1 (index + 1); sizes read from the registry are measured: no ≈.
    const junkRow = md.split('\n').find((l) => l.startsWith(`| ${cur.layers.length - 1} | <code>RUN mkdir -p /var/cache/apk &#38;&#38; dd if=/dev/urandom`));
    expect(junkRow).toMatch(/…<\/code> \| 3 \| 2\.00 MB \(\+2\.00 MB\) \| 2\.00 MB \(\+2\.00 MB\) \| 🆕 added \|$/);
    const json = JSON.parse(renderJson(report));
    expect(json.baseline).toMatchObject({ source: 'registry', branch: 'main', ref: baseRef, layerCount: n });
    expect(json.diff.counts.added).toBe(1);
  });

  test('without the current image the store reads every blob and agrees on sizes', async () => {
    const full = await registryBaselineStore({ refFor: () => baseRef, platform: PLATFORM }).load({ imageKey: 'app', branch: 'main' });
    const cur = await current();
    const partial = await registryBaselineStore({ refFor: () => baseRef, current: () => cur, platform: PLATFORM }).load({ imageKey: 'app', branch: 'main' });
    const pick = (a: ImageAnalysis) => a.layers.map((l) => [l.diffId, l.sizeBytes, l.compressedBytes, l.instruction]);
    expect(pick(full!.analysis)).toEqual(pick(partial!.analysis));
    expect(full!.analysis.compressedBytes).toBe(partial!.analysis.compressedBytes);
  });

  test('a branch without an image is a miss; an unreachable registry is a warning, not a failure', async () => {
    const missing = registryBaselineStore({ refFor: () => `${bed().registry}/${repo}:never-pushed`, platform: PLATFORM });
    const down = registryBaselineStore({ refFor: () => 'localhost:5999/nothing/here:main', platform: PLATFORM });
    const found = await findBaseline([missing, down], { imageKey: 'app', branch: 'feature/x' });
    expect(found.baseline).toBeUndefined();
    expect(found.tried).toEqual(['registry: miss', 'registry: error']);
    expect(found.warnings).toHaveLength(1);
    expect(found.warnings[0]).toMatch(/^baseline store registry failed for app on feature\/x: .*localhost:5999/);

    const report = reportFrom({
      imageKey: 'app',
      image: await current(),
      baselineTried: found.tried,
      rules: readBudgetRules({ inputs: { maxGrowth: '1MB,10%' }, imageKey: 'app' }),
      warnings: found.warnings,
    });
    expect(report.verdict.status).toBe('pass');
    // max-growth 1MB,10% is one rule: skipped once.
    expect(report.verdict.notes).toEqual(['1 relative rule skipped: no baseline to compare with']);
    expect(renderMarkdown(report)).toContain('**Baseline:** none — no baseline found (tried registry&#58; miss; registry&#58; error).');
  });

  test('CLI: --baseline REPORT.json or IMAGE with budget flags and a budget file; exit 1 on fail', async () => {
    const cur = await current();
    const base = await analyzeImage(registryImage(baseRef), { platform: PLATFORM });
    const reportPath = join(dir, 'base-report.json');
    writeFileSync(reportPath, renderJson(reportFrom({ imageKey: 'app', image: base, context: { branch: 'main', sha: 'a'.repeat(40) } })));
    mkdirSync(join(dir, '.github'), { recursive: true });
    writeFileSync(join(dir, '.github', 'layerwise.yml'), 'images:\n  app:\n    max-growth: { warn: 1kB 1%, fail: 1MB 10% }\n');

    // Budget rules as the CLI reads them: its flags and the budget file, through the option table.
    const rules = (...flags: string[]) => cliConfig('analyze', ['img', '--image-key', 'app', ...flags], { cwd: dir, env: {} }).config.budget;
    const fromFile = await compareForCli(cur, { imageKey: 'app', cwd: dir, baseline: 'base-report.json', rules: rules() });
    expect(fromFile.exitCode).toBe(1);
    expect(fromFile.report.baseline).toMatchObject({ source: 'file', branch: 'main', commit: 'a'.repeat(40), ref: reportPath });
    expect(fromFile.report.verdict.deciding.map((r) => [r.metric, r.level, r.rule.source])).toEqual([
      ['growth-bytes', 'fail', '.github/layerwise.yml:3'],
      ['growth-percent', 'fail', '.github/layerwise.yml:3'],
    ]);

    // The same check against the image itself; --fail-on never turns the failure into a warning.
    const fromImage = await compareForCli(cur, {
      imageKey: 'app', cwd: dir, baseline: baseRef, imageSource: (ref) => registryImage(ref), analyzeOptions: { platform: PLATFORM },
      rules: rules('--fail-on', 'never'),
    });
    expect(fromImage.exitCode).toBe(0);
    expect(fromImage.report.verdict.status).toBe('warn');
    expect(fromImage.report.diff?.delta).toEqual(fromFile.report.diff?.delta);

    await expect(compareForCli(cur, { imageKey: 'app', cwd: dir, baseline: 'nope.json', rules: [] })).rejects.toThrow(
      new InputError(`--baseline: cannot read report ${join(dir, 'nope.json')} (ENOENT)`),
    );
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ schemaVersion: 1, imageKey: 'app' }));
    await expect(compareForCli(cur, { imageKey: 'app', cwd: dir, baseline: 'bad.json', rules: [] })).rejects.toThrow(/^--baseline: .*bad\.json: .*expected a layerwise JSON report/);
    expect(() => rules('--budget-file', 'missing.yml')).toThrow("layerwise analyze --budget-file: 'missing.yml' does not exist");
  });
});
