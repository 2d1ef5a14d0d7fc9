// Baseline vs current image → per-layer deltas. Pure. Layers pair up in three passes: the shared bottom by
// DiffID (same content), the same content anywhere else (a reorder), then the normalised instruction in order
// (a rebuilt layer), then leftovers of the same kind (RUN with RUN) between those anchors.
import type { ImageAnalysis, LayerAnalysis } from '../image/types.js';
import type { FileDelta, ImageTotals, LayerDelta, LayerDiff, LayerSizes, LayerStatus } from './types.js';
import { alignmentKey, keyword } from './normalise.js';
import { lcsPairs, longestIncreasing } from './align.js';
import { formatBytes } from '../core/units.js';

export interface CompareOptions {
  /** Most files listed per changed or added layer. */
  topFiles?: number;
}

// Above this many cells the quadratic alignment is skipped (a hostile report could list thousands of layers).
const MAX_LCS_CELLS = 4_000_000;

type Pair = { base: number; current: number; matchedBy: NonNullable<LayerDelta['matchedBy']>; moved?: boolean };

export function compareImages(base: ImageAnalysis | undefined, current: ImageAnalysis, options: CompareOptions = {}): LayerDiff {
  const topFiles = options.topFiles ?? 10;
  const baseLayers = base?.layers ?? [];
  const curLayers = current.layers;
  const pairs = pairLayers(baseLayers, curLayers);

  const byCurrent = new Map<number, Pair>();
  const byBase = new Map<number, Pair>();
  for (const p of pairs) {
    byCurrent.set(p.current, p);
    byBase.set(p.base, p);
  }
  // A removed base layer is shown after the current partner of the nearest paired base layer below it.
  const removedAfter = new Map<number, number[]>();
  let anchor = -1;
  baseLayers.forEach((_, j) => {
    const p = byBase.get(j);
    if (p) anchor = p.current;
    else if (removedAfter.has(anchor)) removedAfter.get(anchor)!.push(j);
    else removedAfter.set(anchor, [j]);
  });

  const layers: LayerDelta[] = [];
  const pushRemoved = (anchor: number) => {
    for (const j of removedAfter.get(anchor) ?? []) layers.push(removedDelta(baseLayers[j], j));
  };
  pushRemoved(-1);
  curLayers.forEach((cur, i) => {
    const p = byCurrent.get(i);
    layers.push(p ? pairedDelta(baseLayers[p.base], cur, p, i, topFiles) : addedDelta(cur, i, topFiles));
    pushRemoved(i);
  });

  const counts: Record<LayerStatus, number> = { unchanged: 0, changed: 0, added: 0, removed: 0 };
  for (const l of layers) counts[l.status]++;
  let sharedPrefix = 0;
  while (
    sharedPrefix < Math.min(baseLayers.length, curLayers.length) &&
    baseLayers[sharedPrefix].diffId === curLayers[sharedPrefix].diffId
  ) {
    sharedPrefix++;
  }
  const baseTotals = totals(base);
  const curTotals = totals(current);
  return {
    base: baseTotals,
    current: curTotals,
    delta: {
      compressedBytes: curTotals.compressedBytes - baseTotals.compressedBytes,
      sizeBytes: curTotals.sizeBytes - baseTotals.sizeBytes,
      layerCount: curTotals.layerCount - baseTotals.layerCount,
      wastedBytes: curTotals.wastedBytes - baseTotals.wastedBytes,
      compressedPercent: percent(curTotals.compressedBytes, baseTotals.compressedBytes),
      sizePercent: percent(curTotals.sizeBytes, baseTotals.sizeBytes),
    },
    layers,
    counts,
    sharedPrefix,
    identical: base !== undefined && sharedPrefix === baseLayers.length && sharedPrefix === curLayers.length,
    ...notesOf(layers),
  };
}

/** Same DiffID means the same tar: a compressed-size difference there is measurement, not change. */
function notesOf(layers: LayerDelta[]): { notes?: string[] } {
  const noisy = layers.filter((l) => l.status === 'unchanged' && l.delta.compressedBytes !== 0);
  if (noisy.length === 0) return {};
  const bytes = noisy.reduce((s, l) => s + l.delta.compressedBytes, 0);
  return { notes: [
    `${noisy.length} unchanged layer${noisy.length > 1 ? 's' : ''} differ${noisy.length > 1 ? '' : 's'} by ${formatBytes(bytes)} in compressed size: ` +
      'the two images were compressed or measured differently (registry manifest vs gzip estimate), and the compressed delta includes this',
  ] };
}

function pairLayers(base: LayerAnalysis[], cur: LayerAnalysis[]): Pair[] {
  const pairs: Pair[] = [];
  let p = 0;
  while (p < Math.min(base.length, cur.length) && base[p].diffId === cur[p].diffId) {
    pairs.push({ base: p, current: p, matchedBy: 'prefix' });
    p++;
  }
  const freeBase = new Set(base.map((_, j) => j).filter((j) => j >= p));
  const freeCur: number[] = cur.map((_, i) => i).filter((i) => i >= p);

  // Same content above the prefix: unchanged, and "moved" when it breaks the order of the other matches.
  const baseByDiffId = new Map<string, number[]>();
  for (const j of freeBase) {
    if (baseByDiffId.has(base[j].diffId)) baseByDiffId.get(base[j].diffId)!.push(j);
    else baseByDiffId.set(base[j].diffId, [j]);
  }
  const contentPairs: Pair[] = [];
  for (const i of freeCur) {
    const j = baseByDiffId.get(cur[i].diffId)?.shift();
    if (j === undefined) continue;
    freeBase.delete(j);
    contentPairs.push({ base: j, current: i, matchedBy: 'diffId' });
  }
  const inOrder = longestIncreasing(contentPairs.map((c) => c.base));
  contentPairs.forEach((c, k) => pairs.push({ ...c, moved: !inOrder.has(k) }));
  const contentCur = new Set(contentPairs.map((c) => c.current));

  // Rebuilt layers: same normalised instruction, in order.
  const restBase = [...freeBase].sort((a, b) => a - b);
  const restCur = freeCur.filter((i) => !contentCur.has(i));
  const baseKeys = restBase.map((j) => alignmentKey(base[j]));
  const curKeys = restCur.map((i) => alignmentKey(cur[i]));
  const anchors =
    baseKeys.length * curKeys.length <= MAX_LCS_CELLS
      ? lcsPairs(baseKeys, curKeys)
      : greedyPairs(baseKeys, curKeys);
  for (const [a, b] of anchors) pairs.push({ base: restBase[a], current: restCur[b], matchedBy: 'instruction' });

  // Leftovers between two anchors: pair in order when they are the same kind of instruction.
  const bounds: [number, number][] = [[-1, -1], ...anchors, [baseKeys.length, curKeys.length]];
  for (let g = 0; g + 1 < bounds.length; g++) {
    const gapBase = range(bounds[g][0] + 1, bounds[g + 1][0]);
    const gapCur = range(bounds[g][1] + 1, bounds[g + 1][1]);
    const used = new Set<number>();
    for (const b of gapCur) {
      const a = gapBase.find((x) => !used.has(x) && keyword(baseKeys[x]) === keyword(curKeys[b]));
      if (a === undefined) continue;
      used.add(a);
      pairs.push({ base: restBase[a], current: restCur[b], matchedBy: 'position' });
    }
  }
  return pairs;
}

function greedyPairs(a: string[], b: string[]): [number, number][] {
  const out: [number, number][] = [];
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    if (a[i] !== '' && a[i] === b[j]) out.push([i, j++]);
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

function sizes(l: LayerAnalysis): LayerSizes {
  return { compressedBytes: l.compressedBytes, sizeBytes: l.sizeBytes };
}

function pairedDelta(b: LayerAnalysis, c: LayerAnalysis, p: Pair, index: number, topFiles: number): LayerDelta {
  const unchanged = b.diffId === c.diffId;
  return {
    status: unchanged ? 'unchanged' : 'changed',
    index,
    baseIndex: p.base,
    instruction: c.instruction,
    ...(b.instruction !== c.instruction ? { baseInstruction: b.instruction } : {}),
    line: c.line,
    stage: c.stage,
    diffId: c.diffId,
    baseDiffId: b.diffId,
    matchedBy: p.matchedBy,
    ...(p.moved ? { moved: true } : {}),
    base: sizes(b),
    current: sizes(c),
    delta: { compressedBytes: c.compressedBytes - b.compressedBytes, sizeBytes: c.sizeBytes - b.sizeBytes },
    files: unchanged ? [] : fileDeltas(c, b, topFiles),
  };
}

function addedDelta(c: LayerAnalysis, index: number, topFiles: number): LayerDelta {
  return {
    status: 'added',
    index,
    instruction: c.instruction,
    line: c.line,
    stage: c.stage,
    diffId: c.diffId,
    current: sizes(c),
    delta: sizes(c),
    files: fileDeltas(c, undefined, topFiles),
  };
}

function removedDelta(b: LayerAnalysis, baseIndex: number): LayerDelta {
  return {
    status: 'removed',
    baseIndex,
    instruction: b.instruction,
    line: b.line,
    stage: b.stage,
    baseDiffId: b.diffId,
    base: sizes(b),
    delta: { compressedBytes: -b.compressedBytes, sizeBytes: -b.sizeBytes },
    files: [],
  };
}

/** Files of the current layer that are new or bigger than in the base layer's listed top files. */
function fileDeltas(c: LayerAnalysis, b: LayerAnalysis | undefined, limit: number): FileDelta[] {
  const before = new Map((b?.topFiles ?? []).map((f) => [f.path, f.bytes]));
  const out: FileDelta[] = [];
  for (const f of c.topFiles) {
    const old = before.get(f.path);
    if (old === undefined) out.push({ path: f.path, currentBytes: f.bytes, deltaBytes: f.bytes, change: 'appeared' });
    else if (f.bytes > old) out.push({ path: f.path, baseBytes: old, currentBytes: f.bytes, deltaBytes: f.bytes - old, change: 'grew' });
  }
  return out.sort((x, y) => y.deltaBytes - x.deltaBytes || x.path.localeCompare(y.path)).slice(0, limit);
}

function totals(img: ImageAnalysis | undefined): ImageTotals {
  return {
    compressedBytes: img?.compressedBytes ?? 0,
    sizeBytes: img?.sizeBytes ?? 0,
    layerCount: img?.layerCount ?? 0,
    wastedBytes: img?.wastedBytes ?? 0,
  };
}

function percent(current: number, base: number): number | null {
  return base > 0 ? ((current - base) / base) * 100 : null;
}
