// What each base image resolves to right now. A tag re-pointed to a new image gives a new digest, so the key
// changes; a ref pinned by digest needs no request.
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { parseImageRef } from '../registry/ref.js';

export interface BaseResolution {
  digests: Record<string, string>;
  /** Refs that could not be resolved, with the reason; any entry means no up-to-date decision is possible. */
  failures: { ref: string; reason: string }[];
}

export async function resolveBaseDigests(client: RegistryClient, refs: string[]): Promise<BaseResolution> {
  const digests: Record<string, string> = {};
  const failures: BaseResolution['failures'] = [];
  await Promise.all(
    refs.map(async (ref) => {
      try {
        const parsed = parseImageRef(ref);
        if (parsed.digest) {
          digests[ref] = parsed.digest;
          return;
        }
        const head = await client.headManifest(parsed);
        if (head) digests[ref] = head.digest;
        else failures.push({ ref, reason: 'not found in the registry' });
      } catch (err) {
        failures.push({ ref, reason: err instanceof RegistryError ? err.message : (err as Error).message });
      }
    }),
  );
  return { digests, failures };
}
