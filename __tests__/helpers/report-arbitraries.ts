// fast-check arbitraries for reports as build mode makes them: images shaped like real ones (a base image's
// layers, then RUN/COPY layers from a Dockerfile; paths from real trees; package caches, .git, deletions and
// overwrites; sizes from bytes to gigabytes) go through the project's own analysis, compare and budget code.
// Sizes are scaled up past every report limit now and then (200+ hints, 150 top files, 150 warnings).
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { BuildRecord } from '../../src/buildx/types.js';
import type { BudgetRule } from '../../src/config/types.js';
import { buildStageGraph } from '../../src/dockerfile/graph.js';
import { buildAnalysis } from '../../src/image/analyze.js';
import type { LayerEntry } from '../../src/image/layer-scan.js';
import type { RawImage, RawLayer } from '../../src/image/sources.js';
import type { ImageAnalysis } from '../../src/image/types.js';
import type { ReportInputs } from './report.js';

const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

/** Directories real images have, junk ones included (each matches a hint rule). */
const DIRS = [
  'usr/lib/x86_64-linux-gnu', 'usr/share/locale/de/LC_MESSAGES', 'usr/local/lib/python3.12/site-packages/numpy/core',
  'app/node_modules/@babel/core/lib', 'app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash', 'srv/app/src/main/java/com/acme',
  'var/lib/apt/lists', 'var/cache/apt/archives', 'var/cache/apk', 'root/.cache/pip/http/a/b', 'root/.npm/_cacache/content-v2/sha512/ab',
  'usr/local/share/.cache/yarn/v6', 'app/.git/objects/pack', 'tmp/build', 'var/tmp', 'usr/lib/gcc/x86_64-linux-gnu/12',
  'usr/local/go/pkg/tool/linux_amd64', 'usr/share/doc/libc6', 'usr/share/man/man1', 'opt/données/überprüfung', 'home/用户/数据',
];

const fileName = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}\.(so\.\d|py|js|deb|pack|txt|gz|json|class)$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => s.replace(/[/\0]/g, '_') || 'x') },
  // NAME_MAX names and very deep trees exist (node_modules, Java packages).
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 255 }).map((n) => 'n'.repeat(n)) },
);
const deepDir = fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 10, maxLength: 60 }).map((p) => p.join('/'));
const filePath = fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...DIRS) }, { weight: 1, arbitrary: deepDir }), fileName).map(([d, f]) => `${d}/${f}`);
const fileBytes = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 64 * 1024 }) },
  { weight: 3, arbitrary: fc.integer({ min: 16 * 1024, max: 50_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 4_000_000_000 }) },
);

const entry: fc.Arbitrary<LayerEntry> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ path: filePath, kind: fc.constant('file' as const), bytes: fileBytes }) },
  { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...DIRS), kind: fc.constant('dir' as const), bytes: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ path: filePath, kind: fc.constant('symlink' as const), bytes: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ path: fc.oneof(filePath, fc.constantFrom(...DIRS)), kind: fc.constant('whiteout' as const), bytes: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...DIRS), kind: fc.constant('opaque' as const), bytes: fc.constant(0) }) },
);

/** One instruction of the Dockerfile with the layer it makes. */
interface Step {
  dockerfile: string;
  createdBy: string;
  entries: LayerEntry[];
}

const command = fc.constantFrom(
  'apt-get update && apt-get install -y curl ca-certificates', 'pip install -r requirements.txt', 'npm ci', 'make -j4 && make install',
  'git clone https://example.com/lib.git /src/lib', 'rm -rf /var/lib/apt/lists/* /tmp/*', 'chown -R app:app /app', 'go build -o /out/app ./cmd/app',
);
const step: fc.Arbitrary<Step> = fc.tuple(
  fc.oneof(
    command.map((c) => ({ dockerfile: `RUN ${c}`, createdBy: `RUN /bin/sh -c ${c} # buildkit` })),
    fc.constantFrom('. /app', 'requirements.txt /app/', 'dist /srv/app').map((c) => ({ dockerfile: `COPY ${c}`, createdBy: `COPY ${c} # buildkit` })),
  ),
  fc.array(entry, { maxLength: 40 }),
).map(([s, entries]) => ({ ...s, entries }));

/** Layers with files in every junk directory: enough of them give 200+ hints. */
const junkStep = (n: number): Step => ({
  dockerfile: `RUN make step${n}`,
  createdBy: `RUN /bin/sh -c make step${n} # buildkit`,
  entries: DIRS.map((d, i) => ({ path: `${d}/junk-${n}-${i}.bin`, kind: 'file' as const, bytes: 2_000_000 })),
});

export interface ImageShape {
  base: LayerEntry[][];
  steps: Step[];
}

// Now and then a base layer with more files than the top-files limit lists.
const baseLayers = fc.array(fc.oneof({ weight: 6, arbitrary: fc.array(entry, { maxLength: 60 }) }, { weight: 1, arbitrary: fc.array(entry, { minLength: 100, maxLength: 160 }) }), { minLength: 1, maxLength: 4 });
/** A base image's layers plus the Dockerfile's; sometimes 12–20 junk-heavy layers (past the hint limit). */
export const imageShape: fc.Arbitrary<ImageShape> = fc.record({
  base: baseLayers,
  steps: fc.oneof(
    { weight: 4, arbitrary: fc.array(step, { maxLength: 12 }) },
    { weight: 1, arbitrary: fc.tuple(fc.array(step, { maxLength: 3 }), fc.integer({ min: 12, max: 20 })).map(([s, n]) => [...s, ...Array.from({ length: n }, (_, i) => junkStep(i))]) },
  ),
});

const BASE_REF = 'localhost:5000/layerwise-test/debian:12';

/** The Dockerfile the steps come from. */
export function dockerfileOf(shape: ImageShape): string {
  return [`FROM ${BASE_REF}`, ...shape.steps.map((s) => s.dockerfile), ''].join('\n');
}

/** The image through the real analysis (history alignment, stacking, Dockerfile attribution, junk hints). */
export function analyse(shape: ImageShape, opts: { ref: string; topFiles: number; compressed: 'manifest' | 'gzip' }): ImageAnalysis {
  const layerEntries = [...shape.base, ...shape.steps.map((s) => s.entries)];
  const layers: RawLayer[] = layerEntries.map((entries, i) => {
    const tarBytes = entries.reduce((n, e) => n + e.bytes + 512, 1024);
    const diffId = digest(`${opts.ref}:${i}:${JSON.stringify(entries)}`);
    return {
      diffId, ...(opts.compressed === 'manifest' ? { digest: digest(`blob:${diffId}`), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' } : {}),
      scan: { diffId, compression: opts.compressed === 'manifest' ? 'gzip' : 'none', blobBytes: tarBytes, tarBytes, entries, unusualEntries: 0 },
      compressedBytes: Math.round(tarBytes * 0.4), compressedSource: opts.compressed,
    };
  });
  const history = [
    ...shape.base.flatMap((_, i) => [{ created_by: `/bin/sh -c #(nop) ADD file:${digest(`b${i}`).slice(7)} in / ` }, { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true }]),
    ...shape.steps.map((s) => ({ created_by: s.createdBy, comment: 'buildkit.dockerfile.v0' })),
  ];
  const raw: RawImage = {
    ref: opts.ref, id: digest(`config:${opts.ref}`), platform: 'linux/amd64',
    config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) }, history },
    layers, warnings: [],
  };
  const graph = buildStageGraph(dockerfileOf(shape), { file: 'Dockerfile', platform: 'linux/amd64' });
  return buildAnalysis(raw, { topFiles: opts.topFiles, graph });
}

const warning = fc.oneof(
  fc.constantFrom('cache push of localhost:5000/app-buildcache:deps--br-main failed: denied', 'registry localhost:5001 answered 503; stage caches not read'),
  fc.string({ maxLength: 300 }),
);
const metric = fc.constantFrom<BudgetRule['metric']>('compressed-size', 'size', 'growth-bytes', 'growth-percent', 'layers', 'wasted-bytes', 'efficiency', 'largest-layer');
const rule: fc.Arbitrary<BudgetRule> = fc.record({
  metric,
  limit: fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.double({ min: 0, max: 100, noNaN: true })),
  level: fc.constantFrom('warn' as const, 'fail' as const),
  source: fc.constantFrom('input max-size', '.github/layerwise.yml:4', 'input max-growth'),
});

const buildStep = fc.record({
  stage: fc.constantFrom('deps', 'build', 'app'), instruction: fc.string({ maxLength: 200 }), line: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
  index: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), cached: fc.boolean(), seconds: fc.double({ min: 0, max: 3600, noNaN: true }),
  error: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
}, { requiredKeys: ['stage', 'instruction', 'cached', 'seconds'] });
const cacheRef = fc.stringMatching(/^localhost:5000\/[a-z]{1,10}-buildcache:[a-z]{1,8}--(br|pr)-[a-z0-9]{1,12}$/);

/** A build record as the buildx adapter writes it; now and then past the warnings and cache-source limits. */
export const buildRecord: fc.Arbitrary<BuildRecord> = fc.record({
  stages: fc.array(fc.record({
    name: fc.constantFrom('deps', 'build', 'app'), steps: fc.nat(40), cachedSteps: fc.nat(40), seconds: fc.double({ min: 0, max: 3600, noNaN: true }),
    cacheRef: fc.option(cacheRef, { nil: undefined }), pushed: fc.boolean(), cacheWrite: fc.option(fc.constantFrom('pushed' as const, 'unchanged' as const, 'failed' as const), { nil: undefined }),
    cacheFrom: fc.array(cacheRef, { maxLength: 20 }), stepDetails: fc.array(buildStep, { maxLength: 20 }),
  }, { requiredKeys: ['name', 'steps', 'cachedSteps', 'seconds', 'pushed', 'cacheFrom', 'stepDetails'] }), { maxLength: 6 }),
  cacheSources: fc.array(fc.record({ ref: cacheRef, status: fc.constantFrom('imported' as const, 'missing' as const, 'error' as const) }), { maxLength: 30 }),
  totalSteps: fc.nat(200), cachedSteps: fc.nat(200), cacheHitRatio: fc.double({ min: 0, max: 1, noNaN: true }), seconds: fc.double({ min: 0, max: 7200, noNaN: true }),
  mode: fc.constantFrom('inline' as const, 'registry' as const),
  imageId: fc.option(fc.string().map(digest), { nil: undefined }), digest: fc.option(fc.string().map(digest), { nil: undefined }),
  warnings: fc.oneof({ weight: 5, arbitrary: fc.array(warning, { maxLength: 5 }) }, { weight: 1, arbitrary: fc.array(warning, { minLength: 101, maxLength: 150 }) }),
  cacheRepo: fc.option(fc.constant('localhost:5000/app-buildcache'), { nil: undefined }),
  cachePolicy: fc.option(fc.record({ readScopes: fc.array(fc.constantFrom('br-main', 'pr-7', 'br-feature'), { maxLength: 3 }), writeScope: fc.constant('br-main'), reason: fc.constant('branch run') }), { nil: undefined }),
  invocations: fc.option(fc.array(fc.record({ kind: fc.constantFrom('stage' as const, 'image' as const), stage: fc.constantFrom('deps', 'app'), seconds: fc.double({ min: 0, max: 600, noNaN: true }), cacheFrom: fc.nat(20) }), { maxLength: 4 }), { nil: undefined }),
  context: fc.option(fc.record({ bytes: fc.nat(), files: fc.nat(2_000_000), largest: fc.array(fc.record({ path: filePath, bytes: fc.nat() }), { maxLength: 5 }) }), { nil: undefined }),
}, { requiredKeys: ['stages', 'cacheSources', 'totalSteps', 'cachedSteps', 'cacheHitRatio', 'seconds', 'mode', 'warnings'] });

/** Everything buildReport takes in a build-mode run: current and base image from the same kind of Dockerfile. */
export const reportParts: fc.Arbitrary<ReportInputs> = fc
  .record({
    current: imageShape,
    base: fc.option(imageShape, { nil: undefined }),
    shareBase: fc.boolean(),
    topFiles: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 150 })),
    compressed: fc.constantFrom('manifest' as const, 'gzip' as const),
    rules: fc.array(rule, { maxLength: 8 }),
    build: fc.option(buildRecord, { nil: null }),
    imageKey: fc.oneof(fc.constantFrom('app', 'web', 'Dockerfile'), fc.string({ maxLength: 300 })),
    branch: fc.constantFrom('main', 'feature/x', 'dependabot/npm_and_yarn/lodash-4.17.21'),
  })
  .map((g) => {
    const image = analyse(g.current, { ref: 'localhost:5000/app:pr', topFiles: g.topFiles, compressed: g.compressed });
    const baseShape = g.base && g.shareBase ? { ...g.base, base: g.current.base } : g.base;
    const baseline = baseShape
      ? { source: 'actions-cache' as const, branch: 'main', commit: 'e'.repeat(40), ref: 'layerwise-baseline-v1-app-main-1', analysis: analyse(baseShape, { ref: 'localhost:5000/app:main', topFiles: g.topFiles, compressed: g.compressed }) }
      : null;
    return {
      imageKey: g.imageKey, image, baseline, baselineTried: [baseline ? 'actions-cache: hit' : 'actions-cache: miss'],
      context: { repository: 'acme/app', sha: 'f'.repeat(40), branch: g.branch, pr: 7 },
      rules: g.rules, build: g.build, warnings: g.build?.warnings ?? [], topFiles: g.topFiles, generatedAt: '2026-12-01T10:00:00.000Z',
    };
  });
