// The one place that turns action inputs into a typed, validated Config. It takes a getter instead of
// calling @actions/core, so tests hand in plain data and main.ts hands in core.getInput.
import type { ActionMode, CacheMode, Config } from './types.js';
import { InputError } from '../core/errors.js';
import { LIST_LIMITS } from '../core/report-limits.js';
import { parseKeyValues } from './flags.js';
import { DEFAULT_BUDGET_FILE, readBudgetRules, RULE_NAMES, type BudgetInputs } from './budget.js';

/** Returns the raw input ('' when unset), as core.getInput does. */
export type InputGetter = (name: string) => string;

/** Most largest-files per layer: the report's limit. */
export const MAX_TOP_FILES = LIST_LIMITS.topFiles;

const MODES: ActionMode[] = ['build', 'report', 'prune'];
const CACHE_MODES: CacheMode[] = ['auto', 'inline', 'registry'];

/** Comma or newline separated list, blanks dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One entry per line (values such as build args may contain commas). */
export function splitLines(raw: string): string[] {
  return raw
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
}

export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim().toLowerCase();
  if (v === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new InputError(`input ${name}: expected true or false, got '${raw}'`);
}

export function parseChoice<T extends string>(name: string, raw: string, choices: T[], fallback: T): T {
  const v = raw.trim().toLowerCase();
  if (v === '') return fallback;
  if ((choices as string[]).includes(v)) return v as T;
  throw new InputError(`input ${name}: expected one of ${choices.join(', ')}, got '${raw}'`);
}

export function parseCount(name: string, raw: string, fallback: number, min = 0): number {
  return parseWholeNumber(`input ${name}`, raw, fallback, min);
}

/** A whole number in [min, max] named by `where` (an input or a flag); '' → fallback (an error without one). */
export function parseWholeNumber(where: string, raw: string, fallback: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = raw.trim();
  if (v === '' && fallback !== undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new InputError(`${where}: expected a whole number ${range}, got '${raw}'`);
  }
  return Number(v);
}

/** Largest files listed per layer: at most what a report holds (report mode refuses a report with more). */
export function parseTopFiles(where: string, raw: string, fallback: number | undefined, min = 1): number {
  return parseWholeNumber(where, raw, fallback, min, MAX_TOP_FILES);
}

/** `ghcr.io/acme/app:1.2` → `ghcr.io/acme/app-buildcache`: caches live beside the image, never in it. */
export function defaultCacheRepo(tags: string[]): string | undefined {
  const first = tags[0];
  if (!first) return undefined;
  const noDigest = first.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const repo = colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
  return `${repo.toLowerCase()}-buildcache`;
}

/** Image key for matrix jobs: explicit, else the target, else the Dockerfile path. */
export function defaultImageKey(target: string | undefined, dockerfile: string): string {
  return target || dockerfile.replace(/^\.\//, '');
}

export interface ReadConfigOptions {
  get: InputGetter;
  env: Record<string, string | undefined>;
}

/** The budget inputs by their camel-case names (`max-size` → maxSize), as given. */
export function readBudgetInputs(get: InputGetter): BudgetInputs {
  const inputs: Record<string, string> = {};
  for (const name of [...RULE_NAMES, 'fail-on']) {
    const raw = get(name).trim();
    if (raw) inputs[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = raw;
  }
  return inputs as BudgetInputs;
}

export interface ReadActionOptions extends ReadConfigOptions {
  /** Text of a file, or undefined when it does not exist (the budget file is optional). */
  readText: (path: string) => string | undefined;
}

/** The whole action config: inputs, then budgets from the inputs and the budget file. */
export function readActionConfigWithBudget(opts: ReadActionOptions): Config {
  const config = readActionConfig(opts);
  const path = config.budgetFile;
  const text = path ? opts.readText(path) : undefined;
  if (path && text === undefined && opts.get('budget-file').trim() && path !== DEFAULT_BUDGET_FILE) {
    throw new InputError(`input budget-file: '${path}' does not exist`);
  }
  const budget = readBudgetRules({
    inputs: readBudgetInputs(opts.get),
    file: path && text !== undefined ? { path, text } : undefined,
    imageKey: config.imageKey,
  });
  return { ...config, budget };
}


/** Everything except budgets (read by readBudgetRules, which needs the budget file's text). */
export function readActionConfig({ get, env }: ReadConfigOptions): Omit<Config, 'budget'> {
  const dockerfile = get('dockerfile').trim() || 'Dockerfile';
  const target = get('target').trim() || undefined;
  const tags = splitList(get('tags'));
  const cacheRepo = get('cache-repo').trim() || defaultCacheRepo(tags);
  const reportPath =
    get('report-path').trim() || `${env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp'}/layerwise-report.json`;
  return {
    mode: parseChoice('mode', get('mode'), MODES, 'build'),
    imageKey: get('image-key').trim() || defaultImageKey(target, dockerfile),
    build: {
      dockerfile,
      context: get('context').trim() || '.',
      target,
      buildArgs: parseKeyValues(splitLines(get('build-args')), 'input build-args'),
      secrets: splitLines(get('secrets')),
      platforms: splitList(get('platforms')),
      noCache: parseBoolean('no-cache', get('no-cache'), false),
      builder: get('builder').trim() || undefined,
      tags,
      push: parseBoolean('push', get('push'), false),
      load: true,
    },
    cache: {
      repo: cacheRepo,
      mode: parseChoice('cache-mode', get('cache-mode'), CACHE_MODES, 'auto'),
      scope: get('cache-scope').trim() || undefined,
      fallbackScopes: splitList(get('cache-fallback-scopes')),
      writePrScope: parseBoolean('cache-write-pr-scope', get('cache-write-pr-scope'), false),
      maxSources: parseCount('cache-max-sources', get('cache-max-sources'), 20, 1),
    },
    budgetFile: get('budget-file').trim() || DEFAULT_BUDGET_FILE,
    cleanupIntermediateImages: parseBoolean('cleanup-intermediate-images', get('cleanup-intermediate-images'), false),
    topFiles: parseTopFiles('input top-files', get('top-files'), 10),
    githubToken: get('github-token').trim() || undefined,
    comment: parseBoolean('comment', get('comment'), true),
    commentAuthor: get('comment-author').trim() || 'github-actions[bot]',
    allowUntrustedBuild: parseBoolean('allow-untrusted-build', get('allow-untrusted-build'), false),
    skipUnchanged: parseBoolean('skip-unchanged', get('skip-unchanged'), true),
    reportPath,
    prune: {
      retention: get('prune-retention').trim() || '30d',
      dryRun: parseBoolean('prune-dry-run', get('prune-dry-run'), false),
    },
  };
}
