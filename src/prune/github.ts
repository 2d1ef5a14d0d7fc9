// The action side of prune: open PR numbers and existing branch names from the GitHub API (paginated, 100 a page).
import type { Octokit } from '../github/octokit.js';
import type { LiveRefs } from './plan.js';

export async function liveRefsFromGitHub(octokit: Octokit, repo: { owner: string; repo: string }): Promise<Required<LiveRefs>> {
  const [pulls, branches] = await Promise.all([
    octokit.paginate(octokit.rest.pulls.list, { ...repo, state: 'open', per_page: 100 }),
    octokit.paginate(octokit.rest.repos.listBranches, { ...repo, per_page: 100 }),
  ]);
  return { openPrs: pulls.map((p) => p.number), branches: branches.map((b) => b.name) };
}
