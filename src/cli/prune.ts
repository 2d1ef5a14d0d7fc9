// `layerwise prune`: clean the cache repository (closed PRs, deleted branches, old manifests), dry-run by
// default; `--local` removes the daemon's intermediate images layerwise labelled.
import { flagHelp, noPositionals } from '../config/cli.js';
import { InputError } from '../core/errors.js';
import { formatBytes } from '../core/units.js';
import { ghcrDeleter, type ManifestDeleter } from '../prune/ghcr.js';
import { removeIntermediateImages } from '../prune/local.js';
import type { LiveRefs } from '../prune/plan.js';
import { parseRetention } from '../prune/plan.js';
import { formatPruneReport, runPrune } from '../prune/run.js';
import { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { cliConfig } from './shared.js';
import type { Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise prune --cache-repo REPO [--open-prs LIST] [--branches LIST | --github-repo OWNER/NAME]
                      [--retention DURATION] [--keep-scope SCOPE …] [--delete] [--json]
       layerwise prune --local [--delete]

Removes cache tags (<stage>--<scope>) of closed PRs and deleted branches, and cache manifests older than the
retention, from the cache repository only. Lists what would go and the bytes it frees; deletes only with --delete.
Without --open-prs/--github-repo PR scopes are not judged; without --branches/--github-repo branch scopes are not.
Credentials come from the Docker config (docker login). Registry space returns after its garbage collection.
ghcr.io refuses the Registry API's DELETE: with GITHUB_TOKEN or GH_TOKEN set, its package versions are deleted
through the GitHub Packages API instead.

${flagHelp('prune')}`;

function parseList(items: string[], given: boolean, flag: string, numeric: boolean): (string | number)[] | undefined {
  if (!given) return undefined;
  if (items.length === 1 && items[0].toLowerCase() === 'none') return [];
  if (!numeric) return items;
  return items.map((s) => {
    if (!/^\d+$/.test(s)) throw new InputError(`layerwise prune ${flag}: expected PR numbers separated by commas (or "none"), got '${s}'`);
    return Number(s);
  });
}

async function liveFromGitHub(slug: string, env: NodeJS.ProcessEnv): Promise<Required<LiveRefs>> {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(slug);
  if (!m) throw new InputError(`layerwise prune --github-repo: expected OWNER/NAME, got '${slug}'`);
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token) throw new InputError('layerwise prune --github-repo: set GITHUB_TOKEN (or GH_TOKEN) to read open PRs and branches');
  const { createOctokit } = await import('../github/octokit.js');
  const { liveRefsFromGitHub } = await import('../prune/github.js');
  return liveRefsFromGitHub(createOctokit(token, env.GITHUB_API_URL || 'https://api.github.com'), { owner: m[1], repo: m[2] });
}

export const pruneCommand: Command = async (argv, io) => {
  const parsed = cliConfig('prune', argv, io);
  if (parsed.help) {
    io.out(HELP);
    return 0;
  }
  noPositionals('prune', parsed);
  const { config, values } = parsed;
  const dryRun = config.prune.dryRun;

  if (values.flag('local')) {
    const r = await removeIntermediateImages({ dryRun });
    if (values.flag('json')) io.out(JSON.stringify({ dryRun, ...r }, null, 2));
    else {
      for (const img of r.removed) io.out(`${dryRun ? 'would remove' : 'removed'}  ${img.tags.join(', ') || img.id.slice(0, 19)}  ${formatBytes(img.bytes)}`);
      for (const w of r.warnings) io.err(`warning: ${termText(w)}`);
      io.out(`${r.removed.length} intermediate image${r.removed.length === 1 ? '' : 's'} ${dryRun ? 'would be removed; run with --delete to remove' : 'removed'}`);
    }
    return 0;
  }

  const cacheRepo = config.cache.repo;
  if (!cacheRepo) throw new InputError('layerwise prune: --cache-repo is required (the cache repository, e.g. ghcr.io/acme/app-buildcache), or --local');
  const retentionMs = parseRetention(config.prune.retention || undefined, 'layerwise prune --retention');
  const githubRepo = values.optional('github-repo');
  let live: LiveRefs = {
    openPrs: parseList(values.list('open-prs'), values.given('open-prs'), '--open-prs', true) as number[] | undefined,
    branches: parseList(values.list('branches'), values.given('branches'), '--branches', false) as string[] | undefined,
  };
  if (githubRepo) live = { ...(await liveFromGitHub(githubRepo, io.env)), ...Object.fromEntries(Object.entries(live).filter(([, v]) => v)) };

  const client = new RegistryClient({ env: io.env, insecureRegistries: values.list('insecure-registry'), warn: (m) => io.err(`warning: ${termText(m)}`) });
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  let deleter: ManifestDeleter | undefined;
  if (cacheRepo.startsWith('ghcr.io/') && token) {
    const { createOctokit } = await import('../github/octokit.js');
    deleter = ghcrDeleter(createOctokit(token, io.env.GITHUB_API_URL || 'https://api.github.com'), cacheRepo);
  }
  try {
    const result = await runPrune({ client, cacheRepo, live, retentionMs, keepScopes: values.list('keep-scope'), dryRun, deleter });
    if (values.flag('json')) io.out(JSON.stringify(result, null, 2));
    else for (const line of formatPruneReport(result, live)) io.out(line);
    return result.outcome?.unsupported ? 1 : 0;
  } catch (err) {
    if (err instanceof RegistryError) {
      io.err(`layerwise prune: ${err.message}`);
      return 1;
    }
    throw err;
  }
};
