// Publishing a report on GitHub: the job summary (always), annotations on Dockerfile lines, and the sticky PR
// comment when the run may write one. Nothing here fails the run: main.ts decides that from the verdict.
import * as core from '@actions/core';
import type { Config } from '../config/types.js';
import type { Report } from '../report/types.js';
import { renderMarkdown } from '../report/markdown.js';
import { buildAnnotations, type Annotation } from './annotations.js';
import type { Octokit } from '../github/octokit.js';
import { checkClaimedPr, requireWorkflowRun, resolveReportPr } from '../run-context/report-pr.js';
import type { Logger } from '../core/log.js';
import { upsertStickyComment, type StickyCommentResult } from './sticky-comment.js';
import { commentBodyLimit } from './marker.js';
import type { RunContext } from '../core/run-context.js';
import { parseUntrustedReport, safeImageKey } from '../report/untrusted.js';

/** The side effects publish needs; the default writes through @actions/core (tests may record instead). */
export interface PublishIO extends Logger {
  writeSummary(markdown: string): Promise<void>;
  annotate(a: Annotation): void;
}

export const coreIO: PublishIO = {
  warning: (m) => core.warning(m),
  info: (m) => core.info(m),
  async writeSummary(markdown) {
    // Outside Actions (CLI, local runs) there is no summary file: nothing to write.
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown, true).write();
  },
  annotate(a) {
    const props = { title: a.title, file: a.file, ...(a.startLine ? { startLine: a.startLine } : {}) };
    if (a.level === 'error') core.error(a.message, props);
    else core.warning(a.message, props);
  },
};

export interface PublishInput {
  report: Report;
  /** The rendered report (renderMarkdown), used for the comment and, unless summaryMarkdown is given, the summary. */
  markdown: string;
  summaryMarkdown?: string;
  ctx: RunContext;
  config: Pick<Config, 'comment' | 'commentAuthor' | 'imageKey'> & { build: Pick<Config['build'], 'dockerfile'> };
  /** Absent without a token: no comment. */
  octokit?: Octokit;
  /** Annotate Dockerfile lines (off in report mode: the workflow_run check is not the PR's). */
  annotate?: boolean;
  /** GITHUB_WORKSPACE, to make an absolute Dockerfile path repository-relative (default from the environment). */
  workspace?: string;
}

export interface PublishResult {
  summary: 'written' | 'failed';
  annotations: number;
  comment: StickyCommentResult;
}

/** Why no comment is attempted, or undefined when one should be. */
export function commentSkipReason(input: Pick<PublishInput, 'ctx' | 'config' | 'octokit'>): string | undefined {
  if (!input.config.comment) return 'comment: false';
  if (!input.ctx.pr) return `not a pull request (${input.ctx.event})`;
  if (!input.ctx.canComment) {
    return (
      `the ${input.ctx.fork ? 'fork PR' : input.ctx.actor} token is read-only: the report is in the job summary; ` +
      'upload the JSON report and post it with `mode: report` from a workflow_run workflow'
    );
  }
  if (!input.octokit) return 'no github-token';
  return undefined;
}

export async function publish(input: PublishInput, io: PublishIO = coreIO): Promise<PublishResult> {
  let summary: PublishResult['summary'] = 'written';
  try {
    await io.writeSummary(input.summaryMarkdown ?? input.markdown);
  } catch (err) {
    summary = 'failed';
    io.warning(`layerwise: could not write the job summary: ${(err as Error).message}`);
  }

  let annotations = 0;
  if (input.annotate !== false) {
    for (const a of buildAnnotations(input.report, input.config.build.dockerfile, input.workspace ?? process.env.GITHUB_WORKSPACE)) {
      io.annotate(a);
      annotations++;
    }
  }

  const skip = commentSkipReason(input);
  let comment: StickyCommentResult;
  if (skip || !input.octokit || !input.ctx.pr) {
    comment = { action: 'skipped', reason: skip };
    io.info(`layerwise: no PR comment — ${skip}`);
  } else {
    const [owner, repo] = input.ctx.repository.split('/');
    comment = await upsertStickyComment(
      input.octokit,
      { owner, repo, issueNumber: input.ctx.pr.number, key: input.config.imageKey, body: input.markdown, author: input.config.commentAuthor },
      io,
    );
  }
  return { summary, annotations, comment };
}

export interface ReportModeInput {
  ctx: RunContext;
  /** The downloaded report's text and its path (for messages). */
  reportText: string;
  reportFile: string;
  octokit: Octokit;
  config: Pick<Config, 'comment' | 'commentAuthor'>;
}

export interface ReportModeResult {
  pr?: number;
  /** Set when nothing was posted. */
  reason?: string;
  comment: StickyCommentResult;
  report?: Report;
  markdown?: string;
}

/**
 * `mode: report`: validate the untrusted report, find the PR from GitHub's data, render with the report
 * renderer (which escapes every string) and post the sticky comment; the summary of this run shows it too.
 * Throws an InputError (one line) only when run from the wrong event or the report breaks the schema.
 */
export async function publishUntrustedReport(input: ReportModeInput, io: PublishIO = coreIO): Promise<ReportModeResult> {
  requireWorkflowRun(input.ctx);
  const report = parseUntrustedReport(input.reportText, input.reportFile);
  const key = safeImageKey(report.imageKey);
  const markdown = renderMarkdown(report, { maxChars: commentBodyLimit(key) });
  let resolved;
  try {
    resolved = await resolveReportPr(input.octokit, input.ctx);
  } catch (err) {
    resolved = { reason: `could not look up the pull request: ${(err as Error).message.split('\n')[0]}` };
  }
  if (resolved.number === undefined) {
    io.warning(`layerwise: no PR comment — ${resolved.reason}`);
    await publishSummaryOnly(markdown, io);
    return { reason: resolved.reason, comment: { action: 'skipped', reason: resolved.reason }, report, markdown };
  }
  checkClaimedPr(report.context.pr, resolved.number, io);
  const ctx: RunContext = {
    ...input.ctx,
    pr: { number: resolved.number, baseRef: '', headRef: input.ctx.workflowRun?.headBranch ?? '', headRepo: input.ctx.workflowRun?.headRepo ?? '' },
    canComment: true,
  };
  const result = await publish(
    {
      report, markdown, ctx, octokit: input.octokit, annotate: false,
      config: { ...input.config, imageKey: key, build: { dockerfile: '' } },
    },
    io,
  );
  return { pr: resolved.number, comment: result.comment, report, markdown };
}

async function publishSummaryOnly(markdown: string, io: PublishIO): Promise<void> {
  try {
    await io.writeSummary(markdown);
  } catch (err) {
    io.warning(`layerwise: could not write the job summary: ${(err as Error).message}`);
  }
}
