// The baseline is the first store that has one. A store that fails (cache service down, registry refusing)
// is a warning and the next store is tried: a missing baseline never fails a build.
import type { Baseline } from '../compare/types.js';
import type { BaselineKey, BaselineStore } from './types.js';

export interface FoundBaseline {
  baseline?: Baseline;
  /** Each store tried, in order, with its outcome: `actions-cache: miss`, `registry: hit (ref)`. */
  tried: string[];
  /** Store errors, one line each, for the run's warnings. */
  warnings: string[];
}

export async function findBaseline(stores: BaselineStore[], key: BaselineKey): Promise<FoundBaseline> {
  const tried: string[] = [];
  const warnings: string[] = [];
  for (const store of stores) {
    try {
      const baseline = await store.load(key);
      if (baseline) {
        tried.push(`${store.name}: hit${baseline.ref ? ` (${baseline.ref})` : ''}`);
        return { baseline, tried, warnings };
      }
      tried.push(`${store.name}: miss`);
    } catch (err) {
      const message = oneLine((err as Error)?.message ?? String(err));
      tried.push(`${store.name}: error`);
      warnings.push(`baseline store ${store.name} failed for ${key.imageKey} on ${key.branch}: ${message}`);
    }
  }
  return { tried, warnings };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
