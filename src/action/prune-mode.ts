// `mode: prune` — remove cache tags of closed PRs and deleted branches, and old cache manifests, from the
// cache repository only; in gha mode (or with no cache repository), the Actions-cache entries of closed PRs and
// deleted branches. A registry or API that refuses deletion is reported, never a failed job.
import * as core from '@actions/core';
import { branchScope } from '../cache/refs.js';
import { InputError } from '../core/errors.js';
import type { Config } from '../config/types.js';
import { createOctokit } from '../github/octokit.js';
import type { RunContext } from '../core/run-context.js';
import { formatPruneReport, liveRefsFromGitHub, parseRetention, runPrune } from '../prune/index.js';
import { pruneActionsCache } from '../prune/actions-cache.js';
import { formatActionsCachePrune } from '../prune/actions-cache-plan.js';
import { RegistryClient } from '../registry/index.js';
import type { ModeOutcome } from './outcome.js';

export async function pruneMode(config: Config, ctx: RunContext, env: NodeJS.ProcessEnv): Promise<ModeOutcome> {
  if (!config.githubToken) throw new InputError('input github-token: prune mode needs a token to list open PRs and branches');
  const [owner, repo] = ctx.repository.split('/');
  const octokit = createOctokit(config.githubToken);
  const live = await liveRefsFromGitHub(octokit, { owner, repo });
  // gha mode's stage caches live in the Actions cache: cleaned there (the token needs `actions: write`).
  if (config.cache.mode === 'gha' || !config.cache.repo) {
    const r = await pruneActionsCache(octokit, { owner, repo }, live, config.prune.dryRun);
    for (const line of formatActionsCachePrune(r, config.prune.dryRun, 'set prune-dry-run: false to delete')) core.info(line);
    for (const w of r.warnings) core.warning(`layerwise prune: ${w}`);
  }
  if (!config.cache.repo) return { outputs: {} };
  const result = await runPrune({
    client: new RegistryClient({ env, warn: (m) => core.warning(m) }),
    cacheRepo: config.cache.repo,
    live,
    retentionMs: parseRetention(config.prune.retention, 'input prune-retention'),
    // The default branch's caches are what every PR reads: age alone never removes them.
    keepScopes: ctx.defaultBranch ? [branchScope(ctx.defaultBranch)] : [],
    dryRun: config.prune.dryRun,
    // ghcr.io refuses the Registry API's DELETE; with a token, deletion goes through GitHub Packages.
    octokit,
    // Refuses a cache repository that is also where the images go.
    imageRepos: config.build.tags,
  });
  for (const line of formatPruneReport(result, live, 'set prune-dry-run: false to delete')) core.info(line);
  if (result.outcome?.unsupported) core.warning(`layerwise prune: ${result.outcome.unsupported}`);
  return { outputs: {} };
}
