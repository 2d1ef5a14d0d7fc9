// A realistic Report built with the project's own compare and budget code (plain data, no daemon): a base image
// and a PR image that adds a layer with an apt cache, a failing growth rule and a junk hint on line 7.
import { compareImages } from '../../src/compare/compare.js';
import { evaluateBudget } from '../../src/budget/evaluate.js';
import type { BudgetRule } from '../../src/config/types.js';
import type { ImageAnalysis, LayerAnalysis } from '../../src/image/types.js';
import type { Report } from '../../src/report/types.js';
import { LIST_LIMITS, STRING_LIMITS } from '../../src/core/report-limits.js';

function layer(index: number, diffId: string, instruction: string, line: number, compressedBytes: number, paths: string[] = []): LayerAnalysis {
  return {
    index, diffId: `sha256:${diffId.repeat(64).slice(0, 64)}`, sizeBytes: compressedBytes * 2, compressedBytes, compressedSource: 'gzip',
    instruction, createdBy: `${instruction} # buildkit`, line, files: { added: paths.length, modified: 0, deleted: 0 },
    topFiles: paths.map((path) => ({ path, bytes: Math.floor((compressedBytes * 2) / paths.length), change: 'added' as const })), wastedBytes: 0,
  };
}

function image(ref: string, layers: LayerAnalysis[], hints: ImageAnalysis['hints'] = []): ImageAnalysis {
  const compressedBytes = layers.reduce((s, l) => s + l.compressedBytes, 0);
  const sizeBytes = layers.reduce((s, l) => s + l.sizeBytes, 0);
  return { ref, compressedBytes, sizeBytes, layerCount: layers.length, wastedBytes: 0, efficiency: 1, layers, hints };
}

export const FIXTURE_DOCKERFILE = 'docker/Dockerfile';

export function fixtureReport(over: { pr?: number; imageKey?: string; strings?: (s: string) => string } = {}): Report {
  const s = over.strings ?? ((x: string) => x);
  const base = image('app:main', [layer(0, 'a', 'COPY busybox /bin/busybox', 2, 1_000_000), layer(1, 'b', 'COPY app /app', 9, 2_000_000, ['app/main.js'])]);
  const current = image(
    'app:pr',
    [
      layer(0, 'a', 'COPY busybox /bin/busybox', 2, 1_000_000),
      layer(1, 'c', s('RUN apt-get update && apt-get install -y curl'), 7, 30_000_000, [s('var/cache/apt/archives/curl.deb'), 'usr/bin/curl']),
      layer(2, 'd', 'COPY app /app', 9, 2_100_000, [s('app/main.js')]),
    ],
    [{
      rule: 'apt-cache', title: s('apt package cache left in the image'), bytes: 24_000_000, layerIndex: 1,
      instruction: s('RUN apt-get update && apt-get install -y curl'), line: 7, paths: [s('var/cache/apt/archives/curl.deb')],
      fix: s('add `rm -rf /var/lib/apt/lists/*` in the same RUN'),
    }],
  );
  const rules: BudgetRule[] = [
    { metric: 'compressed-size', limit: 100_000_000, level: 'fail', source: 'input max-size' },
    { metric: 'growth-percent', limit: 10, level: 'fail', source: 'input max-growth' },
  ];
  const diff = compareImages(base, current, { topFiles: 5 });
  const verdict = evaluateBudget(rules, { current, diff, baseline: base });
  return {
    schemaVersion: 1, imageKey: over.imageKey ?? 'web', generatedAt: '2026-11-23T09:00:00.000Z',
    context: { repository: 'acme/app', sha: 'f'.repeat(40), branch: 'feature', ...(over.pr ? { pr: over.pr } : {}) },
    image: current,
    baseline: { source: 'actions-cache', branch: 'main', commit: 'e'.repeat(40), ref: 'layerwise-baseline-v1-web-main-1', compressedBytes: base.compressedBytes, sizeBytes: base.sizeBytes, layerCount: 2 },
    baselineTried: ['actions-cache: hit'], diff, verdict, build: null, warnings: [],
  };
}

/**
 * The largest report the validator allows, for what matters to the file size: every list at its limit and every
 * string at its cap, except the lists limitReport may empty (largest files, per-step details, invocations), which
 * hold `droppable` items each (their limit by default) — whatever they hold, the report that is left once they are
 * empty is the same.
 */
export function maximalReport(droppable?: number): Report {
  const L = LIST_LIMITS;
  const D = (limit: number) => Math.min(limit, droppable ?? limit);
  const S = STRING_LIMITS;
  const text = (n: number, c = 'x') => c.repeat(n);
  const base = fixtureReport();
  const l0 = base.image.layers[1];
  const r: Report = structuredClone(base);
  const file = { path: text(S.path, 'p'), bytes: 1, change: 'added' as const };
  r.image.layers = Array.from({ length: L.layers }, (_, i) => ({
    ...l0, index: i % 10_000, instruction: text(S.text), createdBy: text(S.text), stage: text(S.name), topFiles: Array(D(L.topFiles)).fill(file),
  }));
  r.image.hints = Array.from({ length: L.hints }, () => ({ ...base.image.hints[0], title: text(S.name), instruction: text(S.text), fix: text(S.text), paths: Array(L.hintPaths).fill(text(S.path)) }));
  r.image.warnings = Array(L.warnings).fill(text(S.text));
  const d0 = base.diff!.layers[1];
  r.diff!.layers = Array.from({ length: L.diffLayers }, () => ({
    ...d0, instruction: text(S.text), baseInstruction: text(S.text), files: Array(D(L.topFiles)).fill({ path: text(S.path), currentBytes: 1, deltaBytes: 1, change: 'appeared' }),
  }));
  r.verdict.results = Array(L.rules).fill({ ...base.verdict.results[0], message: text(S.text) });
  r.verdict.deciding = r.verdict.results;
  const ref = text(S.ref, 'r');
  r.build = {
    stages: Array.from({ length: L.stages }, () => ({
      name: text(S.name), steps: 1, cachedSteps: 1, seconds: 1, pushed: false, cacheRef: ref, cacheFrom: Array(L.cacheFromPerStage).fill(ref),
      stepDetails: Array(D(L.stepsPerStage)).fill({ stage: text(S.name), instruction: text(S.text), cached: true, seconds: 0, error: text(S.text) }),
    })),
    cacheSources: Array(L.cacheSources).fill({ ref, status: 'error', detail: text(S.text) }),
    totalSteps: 1, cachedSteps: 1, cacheHitRatio: 1, seconds: 1, mode: 'inline', warnings: Array(L.warnings).fill(text(S.text)),
    invocations: Array(D(L.invocations)).fill({ kind: 'stage', stage: text(S.name), seconds: 1, cacheFrom: 1, writes: text(S.text) }),
    context: { bytes: 1, files: 1, largest: Array(D(L.contextLargest)).fill({ path: text(S.path), bytes: 1 }), warning: text(S.text) },
  };
  r.warnings = Array(L.warnings).fill(text(S.text));
  return r;
}
