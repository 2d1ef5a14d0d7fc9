// `mode: prune` — remove cache tags of closed PRs and deleted branches, and old cache manifests, from the
// cache repository only. A registry that refuses deletion is reported, never a failed job.
import * as core from '@actions/core';
import { InputError } from '../config/errors.js';
import type { Config } from '../config/types.js';
import { createOctokit } from '../github/octokit.js';
import type { RunContext } from '../github/types.js';
import { formatPruneReport, liveRefsFromGitHub, parseRetention, runPrune } from '../prune/index.js';
import { RegistryClient } from '../registry/index.js';
import type { ModeOutcome } from './outcome.js';

export async function pruneMode(config: Config, ctx: RunContext, env: NodeJS.ProcessEnv): Promise<ModeOutcome> {
  if (!config.cache.repo) throw new InputError('input cache-repo: prune mode needs the cache repository to clean');
  if (!config.githubToken) throw new InputError('input github-token: prune mode needs a token to list open PRs and branches');
  const [owner, repo] = ctx.repository.split('/');
  const live = await liveRefsFromGitHub(createOctokit(config.githubToken), { owner, repo });
  const result = await runPrune({
    client: new RegistryClient({ env, warn: (m) => core.warning(m) }),
    cacheRepo: config.cache.repo,
    live,
    retentionMs: parseRetention(config.prune.retention, 'input prune-retention'),
    dryRun: config.prune.dryRun,
  });
  for (const line of formatPruneReport(result, live)) core.info(line);
  if (result.outcome?.unsupported) core.warning(`layerwise prune: ${result.outcome.unsupported}`);
  return { outputs: {} };
}
