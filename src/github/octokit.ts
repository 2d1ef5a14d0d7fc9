// The Octokit the action uses, with the base URL passed explicitly (GITHUB_API_URL on the runner, a local
// server in tests) so nothing depends on module-load-time environment.
import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

export function createOctokit(token: string, baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com'): Octokit {
  return getOctokit(token, { baseUrl });
}
