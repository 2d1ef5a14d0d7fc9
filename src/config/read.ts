// One Config for both entry points: the action's inputs and the CLI's flags are read through the option table
// (options.ts) into OptionValues, and this turns them into the typed, validated Config the pipeline runs on.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { defaultCacheRepo, normaliseCacheRepo } from '../core/repository.js';
import { DEFAULT_BUDGET_FILE, readBudgetRules, RULE_NAMES, type BudgetInputs } from './budget.js';
import type { ActionMode, CacheMode, Config } from './types.js';
import type { OptionValues } from './values.js';

export interface ConfigSurface {
  /** Environment: RUNNER_TEMP / TMPDIR for the default report path. */
  env: Record<string, string | undefined>;
  /** The CLI resolves paths against its working directory; the action keeps them relative to the workspace. */
  resolvePath?: (path: string) => string;
  /** The path as people read it in reports and the default image key (relative to the workspace). */
  displayPath?: (path: string) => string;
  /** Text of a file, or undefined when it does not exist (the default budget file is optional). */
  readText: (path: string) => string | undefined;
}

/** Image key for matrix jobs: explicit, else the target, else the Dockerfile path. */
export function defaultImageKey(target: string | undefined, dockerfile: string): string {
  return target || dockerfile.replace(/^\.\//, '');
}

export function readConfig(values: OptionValues, surface: ConfigSurface): Config {
  const resolvePath = surface.resolvePath ?? ((p: string) => p);
  const display = surface.displayPath ?? ((p: string) => p);
  const context = resolvePath(values.text('context') || '.');
  const dockerfile = values.given('dockerfile') ? resolvePath(values.text('dockerfile')) : join(context, 'Dockerfile');
  const target = values.optional('target');
  const tags = values.list('tags');
  const imageKey = values.optional('image-key') ?? defaultImageKey(target, display(dockerfile));
  const repoGiven = values.optional('cache-repo');
  const budgetFile = resolvePath(values.text('budget-file') || DEFAULT_BUDGET_FILE);
  return {
    mode: values.choice<ActionMode>('mode'),
    imageKey,
    build: {
      dockerfile,
      context,
      target,
      buildArgs: values.pairs('build-args'),
      secrets: values.list('secrets'),
      platforms: values.list('platforms'),
      noCache: values.flag('no-cache'),
      checks: values.flag('checks'),
      builder: values.optional('builder'),
      tags,
      push: values.flag('push'),
      labels: values.pairs('labels'),
      load: true,
    },
    cache: {
      repo: repoGiven ? normaliseCacheRepo(repoGiven, values.label('cache-repo')) : tags[0] ? defaultCacheRepo(tags[0]) : undefined,
      mode: values.choice<CacheMode>('cache-mode'),
      scope: values.optional('cache-scope'),
      fallbackScopes: values.list('cache-fallback-scopes'),
      writePrScope: values.flag('cache-write-pr-scope'),
      maxSources: values.count('cache-max-sources'),
    },
    budget: readBudget(values, surface, budgetFile, imageKey),
    budgetFile,
    topFiles: values.count('top-files'),
    githubToken: values.optional('github-token'),
    comment: values.flag('comment'),
    commentAuthor: values.text('comment-author'),
    allowUntrustedBuild: values.flag('allow-untrusted-build'),
    skipUnchanged: values.flag('skip-unchanged'),
    cleanupIntermediateImages: values.flag('cleanup-intermediate-images'),
    reportPath: values.given('report-path')
      ? resolvePath(values.text('report-path'))
      : `${surface.env.RUNNER_TEMP ?? surface.env.TMPDIR ?? '/tmp'}/layerwise-report.json`,
    prune: { retention: values.text('prune-retention'), dryRun: values.flag('prune-dry-run') },
  };
}

/** The budget: rule options over the budget file (optional unless named explicitly). */
function readBudget(values: OptionValues, surface: ConfigSurface, path: string, imageKey: string) {
  if (!values.takes('budget-file')) return []; // a CLI command that checks no budget reads no budget file
  const text = surface.readText(path);
  if (text === undefined && values.given('budget-file') && values.text('budget-file') !== DEFAULT_BUDGET_FILE) {
    throw new InputError(`${values.label('budget-file')}: '${values.text('budget-file')}' does not exist`);
  }
  return readBudgetRules({
    inputs: budgetInputs(values),
    file: text !== undefined ? { path: surface.displayPath?.(path) ?? path, text } : undefined,
    imageKey,
    inputLabel: (name) => values.label(name),
  });
}

/** The rule options by their camel-case names (`max-size` → maxSize), as given. */
export function budgetInputs(values: OptionValues): BudgetInputs {
  const inputs: Record<string, string> = {};
  for (const name of [...RULE_NAMES, 'fail-on']) {
    if (values.given(name)) inputs[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = values.text(name);
  }
  return inputs as BudgetInputs;
}
