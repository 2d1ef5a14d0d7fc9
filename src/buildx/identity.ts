// Is a pushed stage cache image the one this run built? A tag can hold another build: an earlier one after
// A → B → A in one scope, or a concurrent run's. Layers (DiffIDs) and the content key say what an image is;
// config digests do not (BuildKit stamps build times into the config), so they are what is compared.
import { CONTENT_KEY_LABEL } from '../core/labels.js';
import { resolveImage, type RegistryClient } from '../registry/index.js';
import type { Exec } from './exec.js';

export interface ImageIdentity {
  diffIds: string[];
  contentKey?: string;
}

/**
 * Whether the pushed image is the local one: the same layers, and the local content key where the build has one.
 * A build without a key (skip-unchanged off) leaves a pushed twin's key alone: re-pushing would only drop it, and
 * with it the next skip-on run's skip (measured: bench/skip.ts, inline mode, before this).
 */
export function sameIdentity(local: ImageIdentity, pushed: ImageIdentity): boolean {
  const sameKey = local.contentKey === undefined || local.contentKey === pushed.contentKey;
  return sameKey && local.diffIds.length === pushed.diffIds.length && local.diffIds.every((d, i) => d === pushed.diffIds[i]);
}

/** The image the daemon holds under `ref` (`docker image inspect`); undefined when it cannot say. */
export async function localIdentity(exec: Exec, ref: string, env?: NodeJS.ProcessEnv): Promise<ImageIdentity | undefined> {
  const r = await exec('docker', ['image', 'inspect', ref, '--format', '{{json .RootFS.Layers}}\t{{json .Config.Labels}}'], { env });
  if (r.exitCode !== 0) return undefined;
  try {
    const [layers, labels] = r.stdout.trim().split('\t').map((part) => JSON.parse(part) as unknown);
    if (!Array.isArray(layers) || !layers.every((d) => typeof d === 'string')) return undefined;
    const key = labels && typeof labels === 'object' ? (labels as Record<string, unknown>)[CONTENT_KEY_LABEL] : undefined;
    return { diffIds: layers as string[], ...(typeof key === 'string' ? { contentKey: key } : {}) };
  } catch {
    return undefined;
  }
}

/** The image a registry ref (pinned or tagged) holds. */
export async function remoteIdentity(client: RegistryClient, ref: string, platform?: string): Promise<ImageIdentity> {
  const image = await resolveImage(client, ref, platform);
  const key = image.config.config?.Labels?.[CONTENT_KEY_LABEL];
  return { diffIds: image.config.rootfs?.diff_ids ?? [], ...(typeof key === 'string' ? { contentKey: key } : {}) };
}
