// `mode: build` — the main job: run the pipeline, publish the report, store the next baseline.
import * as core from '@actions/core';
import { BuildFailedError } from '../buildx/build.js';
import type { Config } from '../config/types.js';
import { actionsCacheBaselineStore } from '../baseline/actions-cache.js';
import { createOctokit } from '../github/octokit.js';
import { actionOutputs } from '../publish/outputs.js';
import { annotationPath, checkAnnotations, MAX_ANNOTATIONS_PER_LEVEL } from '../publish/annotations.js';
import { coreIO, publish } from '../publish/publish.js';
import { untrustedBuildRefusal } from '../run-context/event.js';
import type { RunContext } from '../core/run-context.js';
import { realPipelineIO } from '../pipeline/adapters.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { removeIntermediateImages } from '../prune/index.js';
import { actionsCacheResultStore } from '../uptodate/actions-cache-results.js';
import { readActionsCacheUsage } from '../prune/actions-cache.js';
import type { ActionsCacheUsage } from '../prune/actions-cache-plan.js';
import type { Report } from '../report/types.js';
import type { ModeOutcome } from './outcome.js';

export async function buildMode(config: Config, ctx: RunContext, env: NodeJS.ProcessEnv): Promise<ModeOutcome> {
  const refusal = untrustedBuildRefusal(ctx, config.allowUntrustedBuild);
  if (refusal) return { outputs: {}, failure: refusal };

  const cacheStore = env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL
    ? actionsCacheBaselineStore({ dir: `${env.RUNNER_TEMP ?? '/tmp'}/layerwise-baseline`, runId: `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}` })
    : undefined;
  const octokit = config.githubToken && ctx.pr ? createOctokit(config.githubToken) : undefined;
  const io = realPipelineIO({
    config,
    env,
    log: (line) => core.info(line),
    warn: (message) => core.warning(message),
    extraBaselineStores: cacheStore ? [cacheStore] : [],
    baselineWriter: cacheStore,
    actionsCacheUsage: config.githubToken ? () => cacheUsage(config.githubToken as string, ctx.repository) : undefined,
    actionsResultStore: actionsCacheResultStore({ dir: `${env.RUNNER_TEMP ?? '/tmp'}/layerwise-result`, imageKey: config.imageKey }),
    publish: async ({ report, markdown }) => {
      const published = await publish({ report, markdown, ctx, config, octokit });
      core.info(`layerwise: comment ${published.comment.action}${published.comment.reason ? ` (${published.comment.reason})` : ''}; ${published.annotations} annotation(s)`);
    },
  });

  let report;
  try {
    ({ report } = await runPipeline(config, ctx, io));
  } catch (err) {
    if (!(err instanceof BuildFailedError)) throw err;
    // Failed Dockerfile checks go on their lines too: the job fails before any report is written.
    if (err.checksFailed) {
      const file = annotationPath(config.build.dockerfile, env.GITHUB_WORKSPACE);
      checkAnnotations(err.record.checks ?? [], file, 'error').slice(0, MAX_ANNOTATIONS_PER_LEVEL).forEach((a) => coreIO.annotate(a));
    }
    return { outputs: { verdict: 'fail' }, failure: `build failed: ${err.message}` };
  }

  if (config.cleanupIntermediateImages) {
    const cleaned = await removeIntermediateImages();
    cleaned.warnings.forEach((w) => core.warning(w));
    core.info(`layerwise: removed ${cleaned.removed.length} intermediate stage image(s)`);
  }
  return { outputs: actionOutputs(report, config.reportPath), failure: verdictFailure(report) };
}

/** The check fails on a failed verdict only; the reason is the deciding rule, in one line. */
export function verdictFailure(report: Report): string | undefined {
  if (report.verdict.status !== 'fail') return undefined;
  return `size budget failed: ${report.verdict.deciding.map((r) => r.message).join('; ') || report.verdict.summary}`;
}

/** The quota line needs `actions: read`; without it the report just has no such line. */
async function cacheUsage(token: string, repository: string): Promise<ActionsCacheUsage | undefined> {
  const [owner, repo] = repository.split('/');
  try {
    return await readActionsCacheUsage(createOctokit(token), { owner, repo });
  } catch (err) {
    core.info(`layerwise: Actions-cache usage not shown (${(err as Error).message.split('\n')[0]}); it needs a token with actions: read`);
    return undefined;
  }
}
