// `layerwise prune`: clean the cache repository (closed PRs, deleted branches, old manifests), dry-run by
// default; `--local` removes the daemon's intermediate images layerwise labelled.
import { normaliseCacheRepo } from '../cache/refs.js';
import { InputError } from '../core/errors.js';
import { boolFlag, listFlag, parseFlags, stringFlag } from '../config/flags.js';
import { formatBytes } from '../core/units.js';
import { ghcrDeleter, type ManifestDeleter } from '../prune/ghcr.js';
import { removeIntermediateImages } from '../prune/local.js';
import type { LiveRefs } from '../prune/plan.js';
import { parseRetention } from '../prune/plan.js';
import { formatPruneReport, runPrune } from '../prune/run.js';
import { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import type { Command } from './types.js';
import { termText } from '../core/terminal-text.js';

const HELP = `usage: layerwise prune --cache-repo REPO [--open-prs LIST] [--branches LIST | --github-repo OWNER/NAME]
                      [--retention DURATION] [--keep-scope SCOPE …] [--delete] [--json]
       layerwise prune --local [--delete]

Removes cache tags (<stage>--<scope>) of closed PRs and deleted branches, and cache manifests older than the
retention, from the cache repository only. Lists what would go and the bytes it frees; deletes only with --delete.

      --cache-repo REPO       cache repository, e.g. ghcr.io/acme/app-buildcache
      --open-prs LIST         open PR numbers, comma-separated ("none" for none); pr-<n> scopes of others go
      --branches LIST         existing branch names, comma-separated; br-<branch> scopes of others go
      --github-repo O/N       read open PRs and branches from the GitHub API (token: GITHUB_TOKEN or GH_TOKEN,
                              API: GITHUB_API_URL)
      --retention DURATION    also remove manifests older than this: 30d, 12h, 2w, 90m (default: no age limit)
      --keep-scope SCOPE      never remove this scope, e.g. br-main (repeatable)
      --insecure-registry H   speak plain http to host[:port] (loopback hosts always are; repeatable)
      --delete                delete (default: dry run)
      --json                  print the plan and outcome as JSON
      --local                 remove local images labelled dev.layerwise.intermediate=true (self-hosted runners)

Without --open-prs/--github-repo PR scopes are not judged; without --branches/--github-repo branch scopes are not.
Credentials come from the Docker config (docker login). Registry space returns after its garbage collection.
ghcr.io refuses the Registry API's DELETE: with GITHUB_TOKEN or GH_TOKEN set, its package versions are deleted
through the GitHub Packages API instead.`;

function parseList(value: string | undefined, flag: string, numeric: boolean): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
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
  const flags = parseFlags('prune', argv, {
    'cache-repo': { type: 'string' },
    'open-prs': { type: 'string' },
    branches: { type: 'string' },
    'github-repo': { type: 'string' },
    retention: { type: 'string' },
    'keep-scope': { type: 'string', multiple: true },
    'insecure-registry': { type: 'string', multiple: true },
    delete: { type: 'boolean' },
    json: { type: 'boolean' },
    local: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (boolFlag(flags, 'help')) {
    io.out(HELP);
    return 0;
  }
  if (flags.positionals.length) throw new InputError(`layerwise prune: unexpected argument '${flags.positionals[0]}' (expected flags only)`);
  const dryRun = !boolFlag(flags, 'delete');

  if (boolFlag(flags, 'local')) {
    const r = await removeIntermediateImages({ dryRun });
    if (boolFlag(flags, 'json')) io.out(JSON.stringify({ dryRun, ...r }, null, 2));
    else {
      for (const img of r.removed) io.out(`${dryRun ? 'would remove' : 'removed'}  ${img.tags.join(', ') || img.id.slice(0, 19)}  ${formatBytes(img.bytes)}`);
      for (const w of r.warnings) io.err(`warning: ${termText(w)}`);
      io.out(`${r.removed.length} intermediate image${r.removed.length === 1 ? '' : 's'} ${dryRun ? 'would be removed; run with --delete to remove' : 'removed'}`);
    }
    return 0;
  }

  const repoFlag = stringFlag(flags, 'cache-repo');
  if (!repoFlag) throw new InputError('layerwise prune: --cache-repo is required (the cache repository, e.g. ghcr.io/acme/app-buildcache), or --local');
  const cacheRepo = normaliseCacheRepo(repoFlag, 'layerwise prune --cache-repo');
  const retentionMs = parseRetention(stringFlag(flags, 'retention'), 'layerwise prune --retention');
  const githubRepo = stringFlag(flags, 'github-repo');
  let live: LiveRefs = {
    openPrs: parseList(stringFlag(flags, 'open-prs'), '--open-prs', true) as number[] | undefined,
    branches: parseList(stringFlag(flags, 'branches'), '--branches', false) as string[] | undefined,
  };
  if (githubRepo) live = { ...(await liveFromGitHub(githubRepo, io.env)), ...Object.fromEntries(Object.entries(live).filter(([, v]) => v)) };

  const client = new RegistryClient({ env: io.env, insecureRegistries: listFlag(flags, 'insecure-registry'), warn: (m) => io.err(`warning: ${termText(m)}`) });
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  let deleter: ManifestDeleter | undefined;
  if (cacheRepo.startsWith('ghcr.io/') && token) {
    const { createOctokit } = await import('../github/octokit.js');
    deleter = ghcrDeleter(createOctokit(token, io.env.GITHUB_API_URL || 'https://api.github.com'), cacheRepo);
  }
  try {
    const result = await runPrune({ client, cacheRepo, live, retentionMs, keepScopes: listFlag(flags, 'keep-scope'), dryRun, deleter });
    if (boolFlag(flags, 'json')) io.out(JSON.stringify(result, null, 2));
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
