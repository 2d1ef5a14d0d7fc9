// One sticky PR comment per image key: found by a hidden, versioned marker on its first line AND its author
// (anyone can paste a marker), updated in place, duplicates removed. A comment problem never fails the run.
import * as core from '@actions/core';
import type { Logger } from '../core/log.js';
import type { Octokit } from '../github/octokit.js';
import { isStickyComment, stickyBody } from './marker.js';

export interface StickyCommentOptions {
  owner: string;
  repo: string;
  issueNumber: number;
  key: string;
  /** Markdown without the marker. */
  body: string;
  /** Login of the comment's author: `github-actions[bot]` for GITHUB_TOKEN, the user for a PAT. */
  author: string;
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  id?: number;
  /** Duplicates removed (earlier runs that raced). */
  deleted?: number[];
  reason?: string;
}

const coreLogger: Logger = { warning: (m) => core.warning(m), info: (m) => core.info(m) };

function describeError(err: unknown): { status?: number; text: string } {
  const e = err as { status?: number; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = (e.message ?? String(err)).split('\n')[0].slice(0, 300);
  return { status, text: status ? `HTTP ${status}: ${message}` : message };
}

export async function upsertStickyComment(
  octokit: Octokit,
  opts: StickyCommentOptions,
  log: Logger = coreLogger,
): Promise<StickyCommentResult> {
  const { owner, repo, issueNumber, key, author } = opts;
  const where = `${owner}/${repo}#${issueNumber}`;
  const body = stickyBody(key, opts.body);
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    const ours = comments.filter((c) => isStickyComment(c, key, author));
    const [first, ...duplicates] = ours;
    let result: StickyCommentResult;
    if (!first) {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
      result = { action: 'created', id: data.id };
    } else if (first.body === body) {
      result = { action: 'unchanged', id: first.id };
    } else {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: first.id, body });
      result = { action: 'updated', id: first.id };
    }
    const deleted: number[] = [];
    for (const d of duplicates) {
      try {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: d.id });
        deleted.push(d.id);
      } catch (err) {
        log.warning(`layerwise: could not delete duplicate comment ${d.id} on ${where}: ${describeError(err).text}`);
      }
    }
    if (deleted.length) result.deleted = deleted;
    log.info(`layerwise: PR comment ${result.action} on ${where}${result.id ? ` (id ${result.id})` : ''}`);
    return result;
  } catch (err) {
    const { status, text } = describeError(err);
    const hint =
      status === 403 || status === 404
        ? ' — the token cannot write PR comments (fork PR or missing `pull-requests: write`); the report is in the job summary'
        : '';
    const reason = `could not post the PR comment on ${where}: ${text}${hint}`;
    log.warning(`layerwise: ${reason}`);
    return { action: 'skipped', reason };
  }
}
