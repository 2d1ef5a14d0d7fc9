// Stored results (see stored-result.ts) in the cache repository: a small OCI artifact (empty config, one JSON
// layer) tagged by the content key, for registry mode, whose caches are cache manifests with no image to carry
// the key. A failure is a warning and a miss (find) or an unsaved result (save).
import { createHash } from 'node:crypto';
import type { RegistryClient } from '../registry/client.js';
import { errorLine } from '../core/errors.js';
import { decodeResult, encodeResult, RESULT_MEDIA_TYPE, resultTag, type ResultStore } from './stored-result.js';

const MAX_RESULT_BYTES = 8 * 1024 * 1024;
/** An OCI artifact (empty config, one JSON layer) at `<cache repo>:layerwise-result-<key>`. */
export function registryResultStore(client: RegistryClient, repo: string): ResultStore {
  return {
    name: 'cache repository',
    async find(contentKey, warn) {
      const ref = `${repo}:${resultTag(contentKey)}`;
      try {
        if (!(await client.headManifest(ref))) return undefined;
        const manifest = JSON.parse((await client.getManifest(ref, ['application/vnd.oci.image.manifest.v1+json'])).raw.toString('utf8')) as {
          layers?: { mediaType?: string; digest?: string; size?: number }[];
        };
        const layer = manifest.layers?.find((l) => l.mediaType === RESULT_MEDIA_TYPE);
        if (!layer?.digest || typeof layer.size !== 'number' || layer.size > MAX_RESULT_BYTES) throw new Error(`${ref} is not a layerwise result of at most ${MAX_RESULT_BYTES} bytes`);
        const chunks: Buffer[] = [];
        let bytes = 0;
        for await (const chunk of await client.getBlob(repo, layer.digest)) {
          bytes += (chunk as Buffer).length;
          if (bytes > MAX_RESULT_BYTES) throw new Error(`${ref}: result blob larger than it says`);
          chunks.push(chunk as Buffer);
        }
        return { result: decodeResult(Buffer.concat(chunks).toString('utf8'), contentKey, ref), where: ref };
      } catch (err) {
        warn(`stored result not read from ${ref}: ${errorLine(err)}`);
        return undefined;
      }
    },
    async save(result, warn) {
      const ref = `${repo}:${resultTag(result.contentKey)}`;
      try {
        const body = Buffer.from(encodeResult(result));
        const empty = Buffer.from('{}');
        const blob = await push(client, repo, body);
        const config = await push(client, repo, empty);
        const manifest = {
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: RESULT_MEDIA_TYPE,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config, size: empty.length },
          layers: [{ mediaType: RESULT_MEDIA_TYPE, digest: blob, size: body.length }],
        };
        await client.putManifest(ref, Buffer.from(JSON.stringify(manifest)), manifest.mediaType);
        return ref;
      } catch (err) {
        warn(`result not stored at ${ref}: ${errorLine(err)}`);
        return undefined;
      }
    },
  };
}

async function push(client: RegistryClient, repo: string, body: Buffer): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  if ((await client.headBlob(repo, digest)) === null) await client.uploadBlob(repo, digest, body, body.length);
  return digest;
}
