// Baseline from the cache registry: the base branch's final image, as the build pushed it. Manifest and
// config give every layer's DiffID, compressed size and instruction; only layers the current image does not
// share are downloaded (for their sizes and file lists) — shared layers are identical content by DiffID.
import { alignHistory } from '../image/history.js';
import { analyzeImage, imageTotals } from '../image/analyze.js';
import { scanLayerBlob } from '../image/layer-scan.js';
import { registryImage } from '../image/sources.js';
import { stackLayers } from '../image/stack.js';
import type { ImageAnalysis, LayerAnalysis } from '../image/types.js';
import { hostPlatformName } from '../core/platform.js';
import { RegistryClient, RegistryError, resolveImageLayers, type RegistryClientOptions } from '../registry/index.js';
import type { Baseline } from '../compare/types.js';
import type { BaselineKey, BaselineStore } from './types.js';

export interface RegistryBaselineOptions {
  /** The base branch's final image for a key, e.g. `cacheRef(repo, target, branchScope(key.branch))`; undefined: not applicable. */
  refFor: (key: BaselineKey) => string | undefined;
  /** The current image: base layers with one of its DiffIDs are taken from it instead of downloaded. */
  current?: () => ImageAnalysis | undefined;
  platform?: string;
  clientOptions?: RegistryClientOptions;
  topFiles?: number;
}

export function registryBaselineStore(opts: RegistryBaselineOptions): BaselineStore {
  return {
    name: 'registry',
    async load(key) {
      const ref = opts.refFor(key);
      if (!ref) return undefined;
      const platform = opts.platform ?? hostPlatformName();
      const current = opts.current?.();
      try {
        const { analysis, labels } = current
          ? await partialAnalysis(ref, current, platform, opts)
          : { analysis: await analyzeImage(registryImage(ref, opts.clientOptions ?? {}), { platform, topFiles: opts.topFiles }), labels: undefined };
        const baseline: Baseline = { source: 'registry', branch: key.branch, ref, analysis };
        // The commit is known when the build labelled the image (build-push-action's metadata does).
        const commit = labels?.['org.opencontainers.image.revision'];
        if (typeof commit === 'string' && /^[0-9a-f]{7,64}$/i.test(commit)) baseline.commit = commit;
        return baseline;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
  };
}

/**
 * 404 / MANIFEST_UNKNOWN / NAME_UNKNOWN: the base branch has no image yet; NOT_AN_IMAGE: its tag is a registry-mode
 * cache (`auto` found registry mode), with no image to compare with. A miss either way, not an error.
 */
function isMissing(err: unknown): boolean {
  if (!(err instanceof RegistryError)) return false;
  return err.status === 404 || err.code === 'MANIFEST_UNKNOWN' || err.code === 'NAME_UNKNOWN' || err.code === 'NOT_AN_IMAGE';
}

async function partialAnalysis(
  ref: string,
  current: ImageAnalysis,
  platform: string,
  opts: RegistryBaselineOptions,
): Promise<{ analysis: ImageAnalysis; labels?: Record<string, unknown> }> {
  const client = new RegistryClient(opts.clientOptions ?? {});
  const resolved = await resolveImageLayers(client, ref, platform);
  const { diffIds } = resolved;
  const descriptors = resolved.manifest.layers;
  const history = alignHistory(resolved.config.history, diffIds.length);
  const warnings: string[] = history.warning ? [history.warning] : [];
  const shared = new Map(current.layers.map((l) => [l.diffId, l]));
  const topN = opts.topFiles ?? 10;
  const layers: LayerAnalysis[] = [];
  let downloaded = 0;
  for (let i = 0; i < diffIds.length; i++) {
    const d = descriptors[i];
    const common = {
      index: i,
      diffId: diffIds[i],
      digest: d.digest,
      mediaType: d.mediaType,
      compressedBytes: d.size,
      compressedSource: 'manifest' as const,
      instruction: history.instructions[i],
      createdBy: history.createdBy[i],
    };
    const same = shared.get(diffIds[i]);
    if (same) {
      // Same DiffID = same tar: sizes and files are the current layer's. Its waste depends on the layers
      // above it, which differ, so the current image's figure is an estimate for the baseline.
      layers.push({ ...common, sizeBytes: same.sizeBytes, files: same.files, topFiles: same.topFiles, wastedBytes: same.wastedBytes });
      continue;
    }
    const blob = await client.getBlob(resolved.ref, d.digest);
    const scan = await scanLayerBlob(blob, { label: `${ref}: ${d.digest}`, estimateGzip: false }).finally(() => blob.destroy());
    downloaded++;
    if (scan.diffId !== diffIds[i]) warnings.push(`layer ${i + 1}: blob ${d.digest} unpacks to ${scan.diffId}, config says ${diffIds[i]}`);
    const [own] = stackLayers([scan.entries], topN).layers;
    layers.push({ ...common, sizeBytes: own.sizeBytes, files: own.files, topFiles: own.topFiles, wastedBytes: own.wastedBytes, compression: scan.compression });
  }
  warnings.push(
    `registry baseline: ${downloaded} of ${layers.length} layer blobs downloaded (the rest are shared with the current image); wasted bytes are estimated`,
  );
  const c = resolved.config;
  const labels = c.config?.Labels && typeof c.config.Labels === 'object' ? c.config.Labels : undefined;
  const analysis: ImageAnalysis = {
    ref,
    id: resolved.configDigest,
    ...(resolved.platformName ? { platform: resolved.platformName } : {}),
    ...imageTotals(layers),
    layers,
    hints: [],
    warnings,
  };
  return { analysis, labels };
}
