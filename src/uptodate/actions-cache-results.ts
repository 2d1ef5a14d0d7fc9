// Stored results (see stored-result.ts) in the Actions cache: one entry per content key through @actions/cache,
// read from the scopes GitHub lets this run read. Runner only. A failure is a warning and a miss (find) or an
// unsaved result (save): skipping is a shortcut, never a need.
import * as cache from '@actions/cache';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine } from '../core/errors.js';
import { decodeResult, encodeResult, resultCacheKey, type ResultStore } from './stored-result.js';

/** Undefined where the runner gives no Actions cache (a CLI run, a `run:` step). `dir` must not vary between runs. */
export function actionsCacheResultStore(opts: { dir: string; imageKey: string }): ResultStore | undefined {
  if (!cache.isFeatureAvailable()) return undefined;
  const file = join(opts.dir, 'result.json');
  const fresh = () => {
    rmSync(opts.dir, { recursive: true, force: true });
    mkdirSync(opts.dir, { recursive: true });
  };
  return {
    name: 'Actions cache',
    async find(contentKey, warn) {
      const key = resultCacheKey(opts.imageKey, contentKey);
      try {
        fresh();
        const matched = await cache.restoreCache([opts.dir], key);
        if (matched !== key) return undefined;
        return { result: decodeResult(readFileSync(file, 'utf8'), contentKey, `Actions cache entry ${key}`), where: `Actions cache entry ${key}` };
      } catch (err) {
        warn(`stored result not read from the Actions cache: ${errorLine(err)}`);
        return undefined;
      }
    },
    async save(result, warn) {
      const key = resultCacheKey(opts.imageKey, result.contentKey);
      try {
        fresh();
        writeFileSync(file, encodeResult(result));
        // saveCache warns by itself and returns -1 when it cannot save (e.g. the key exists: entries are immutable).
        return (await cache.saveCache([opts.dir], key)) === -1 ? undefined : `Actions cache entry ${key}`;
      } catch (err) {
        warn(`result not stored in the Actions cache: ${errorLine(err)}`);
        return undefined;
      }
    },
  };
}
