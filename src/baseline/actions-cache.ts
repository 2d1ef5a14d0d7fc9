// Baselines in the GitHub Actions cache (@actions/cache): branch runs save the measured image under a key unique
// to the run; PR runs restore by prefix, so the newest save of the base branch wins (GitHub lets a PR read its
// base and default branch caches). Every cache problem is a warning and a miss: a baseline is never worth a
// failed build.
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Baseline } from '../compare/types.js';
import type { BaselineKey, WritableBaselineStore } from './types.js';
import { escapeKeyPart } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { limitAnalysis } from '../report/limit-report.js';
import { parseImageAnalysis } from '../report/untrusted.js';

export const BASELINE_KEY_PREFIX = 'layerwise-baseline-v1';

export interface ActionsCacheBaselineOptions {
  /** Fixed directory for the cached file (RUNNER_TEMP): the cache version hashes the path, so it must not vary. */
  dir: string;
  /** Unique per run and attempt (`${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}`): cache keys are immutable. */
  runId: string;
  log?: Logger;
}

/** `-` separates key parts, so parts encode it: `main` must not prefix-match `main-old`. */
export function baselineKeyPrefix(key: BaselineKey): string {
  return `${BASELINE_KEY_PREFIX}-${escapeKeyPart(key.imageKey)}-${escapeKeyPart(key.branch)}-`;
}

export function baselineCacheKey(key: BaselineKey, runId: string): string {
  return `${baselineKeyPrefix(key)}${escapeKeyPart(runId)}`;
}

const coreLogger: Logger = { warning: (m) => core.warning(m), info: (m) => core.info(m) };

export function actionsCacheBaselineStore(opts: ActionsCacheBaselineOptions): WritableBaselineStore {
  const log = opts.log ?? coreLogger;
  const pathFor = (key: BaselineKey): string => join(opts.dir, 'layerwise-baseline', escapeKeyPart(key.imageKey));
  const available = (): boolean => {
    if (cache.isFeatureAvailable()) return true;
    log.info('layerwise: the Actions cache service is not available here (no ACTIONS_RESULTS_URL); baseline cache skipped');
    return false;
  };

  return {
    name: 'actions-cache',

    async load(key: BaselineKey): Promise<Baseline | undefined> {
      if (!available()) return undefined;
      const dir = pathFor(key);
      const prefix = baselineKeyPrefix(key);
      try {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        // No key equals the bare prefix: the restore key does the matching, newest first.
        const matched = await cache.restoreCache([dir], prefix, [prefix]);
        if (!matched) return undefined;
        const parsed = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as Partial<Baseline>;
        // Checked like any stored data: a malformed entry is a warning and a miss, not a crash later on.
        const analysis = parseImageAnalysis(parsed.analysis, `baseline cache entry ${matched}`);
        return {
          source: 'actions-cache',
          branch: typeof parsed.branch === 'string' ? parsed.branch : key.branch,
          commit: typeof parsed.commit === 'string' ? parsed.commit : undefined,
          ref: matched,
          analysis,
        };
      } catch (err) {
        // restoreCache rethrows only validation errors; a bad file lands here too.
        log.warning(`layerwise: could not restore the baseline for ${key.imageKey}@${key.branch}: ${(err as Error).message}`);
        return undefined;
      }
    },

    async save(key: BaselineKey, baseline: Baseline): Promise<void> {
      if (!available()) return;
      const dir = pathFor(key);
      const cacheKey = baselineCacheKey(key, opts.runId);
      try {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        // Cut to the limits load() reads it back with, so a big image's baseline is not refused by the next run.
        const analysis = limitAnalysis(baseline.analysis, (m) => log.info(`layerwise: ${m}`));
        const stored = { branch: key.branch, commit: baseline.commit, ref: baseline.ref, analysis };
        writeFileSync(join(dir, 'baseline.json'), JSON.stringify(stored));
        const id = await cache.saveCache([dir], cacheKey);
        // saveCache reports its own failures (warning) and returns -1.
        if (id === -1) log.warning(`layerwise: the baseline for ${key.imageKey}@${key.branch} was not saved to the Actions cache`);
        else log.info(`layerwise: baseline saved to the Actions cache as ${cacheKey}`);
      } catch (err) {
        log.warning(`layerwise: could not save the baseline for ${key.imageKey}@${key.branch}: ${(err as Error).message}`);
      }
    },
  };
}
