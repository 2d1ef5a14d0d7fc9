// Which runs may store their image as the next baseline. Pure: the pipeline decides, the stores only store.
import type { RunContext } from '../core/run-context.js';

/** Branch runs whose image becomes the next baseline (merge queue branches are throwaway: no). */
const BASELINE_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch']);

/** Save only from trusted branch runs: not PRs (their scope is private anyway), forks, dependabot or PR targets. */
export function shouldSaveBaseline(ctx: RunContext): boolean {
  return BASELINE_EVENTS.has(ctx.event) && !ctx.pr && !ctx.readOnly && !!ctx.branch;
}
