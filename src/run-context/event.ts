// The run context from the event payload and the runner's GITHUB_* variables. Pure: main.ts reads the
// payload file (GITHUB_EVENT_PATH) and hands in the parsed JSON.
import { InputError } from '../core/errors.js';
import type { RunContext } from '../core/run-context.js';

export interface RunContextInput {
  eventName: string;
  payload: unknown;
  env: Record<string, string | undefined>;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}
/** `refs/heads/main` → `main`; tags and other refs → undefined (they are not branches). */
export function branchFromRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

const DEPENDABOT = 'dependabot[bot]';
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);

export function readRunContext({ eventName, payload, env }: RunContextInput): RunContext {
  if (!eventName) throw new InputError('GITHUB_EVENT_NAME: expected the event that triggered the workflow, got nothing');
  const p = obj(payload) ?? {};
  const repoObj = obj(p.repository);
  const repository = str(repoObj?.full_name) ?? str(env.GITHUB_REPOSITORY);
  if (!repository) {
    throw new InputError('GITHUB_REPOSITORY: expected owner/name (or repository.full_name in the event payload), got nothing');
  }
  const actor = str(env.GITHUB_ACTOR) ?? str(obj(p.sender)?.login) ?? '';
  const triggeringActor = str(env.GITHUB_TRIGGERING_ACTOR) ?? actor;
  const dependabot = actor === DEPENDABOT || triggeringActor === DEPENDABOT;
  const defaultBranch = str(repoObj?.default_branch);

  const ctx: RunContext = {
    event: eventName,
    repository,
    sha: str(env.GITHUB_SHA) ?? str(p.after) ?? '',
    branch: branchFromRef(str(env.GITHUB_REF) ?? str(p.ref)),
    defaultBranch,
    fork: false,
    actor,
    readOnly: dependabot,
    canComment: !dependabot,
    untrustedHead: false,
  };

  if (PR_EVENTS.has(eventName)) {
    const pr = obj(p.pull_request);
    const number = num(pr?.number) ?? num(p.number);
    const head = obj(pr?.head);
    const base = obj(pr?.base);
    if (!pr || !number || !head || !base) {
      throw new InputError(`event payload (${eventName}): expected pull_request with number, head and base`);
    }
    const baseRepo = str(obj(base.repo)?.full_name) ?? repository;
    // A deleted fork has head.repo null: treat it as foreign.
    const headRepo = str(obj(head.repo)?.full_name) ?? '';
    const fork = headRepo.toLowerCase() !== baseRepo.toLowerCase();
    ctx.pr = {
      number,
      baseRef: str(base.ref) ?? '',
      headRef: str(head.ref) ?? '',
      headRepo,
      baseSha: str(base.sha),
      headSha: str(head.sha),
    };
    ctx.fork = fork;
    ctx.branch = str(env.GITHUB_HEAD_REF) ?? ctx.pr.headRef;
    ctx.baseBranch = str(env.GITHUB_BASE_REF) ?? ctx.pr.baseRef;
    if (eventName === 'pull_request') {
      // Fork PRs get a read-only token and no secrets, whatever the workflow asks for.
      ctx.readOnly = fork || dependabot;
      ctx.canComment = !ctx.readOnly;
    } else {
      // pull_request_target runs with the base repository's write token and secrets: never let its build write
      // caches the base branch reads (cache poisoning), and flag a fork head as untrusted code.
      ctx.readOnly = true;
      ctx.untrustedHead = fork;
      ctx.canComment = true;
    }
  } else if (eventName === 'merge_group') {
    const mg = obj(p.merge_group);
    ctx.sha = str(mg?.head_sha) ?? ctx.sha;
    ctx.branch = branchFromRef(str(mg?.head_ref)) ?? ctx.branch;
    ctx.baseBranch = branchFromRef(str(mg?.base_ref));
  } else if (eventName === 'workflow_run') {
    const run = obj(p.workflow_run);
    const id = num(run?.id);
    const headSha = str(run?.head_sha);
    if (!run || !id || !headSha) throw new InputError('event payload (workflow_run): expected workflow_run with id and head_sha');
    const prs = Array.isArray(run.pull_requests) ? run.pull_requests : [];
    ctx.workflowRun = {
      id,
      event: str(run.event) ?? '',
      conclusion: str(run.conclusion),
      headSha,
      headBranch: str(run.head_branch),
      headRepo: str(obj(run.head_repository)?.full_name),
      // Only PRs whose base is this repository: the list can name PRs of other repositories sharing the sha.
      pullRequests: prs
        .map(obj)
        .filter((pr): pr is Obj => !!pr && samePathRepo(obj(obj(pr.base)?.repo)?.url, repository))
        .map((pr) => num(pr.number))
        .filter((n): n is number => n !== undefined),
    };
    ctx.fork = !!ctx.workflowRun.headRepo && ctx.workflowRun.headRepo.toLowerCase() !== repository.toLowerCase();
  }
  return ctx;
}

/** `https://api.github.com/repos/o/r` names `o/r`? (workflow_run.pull_requests carries only repo URLs.) */
function samePathRepo(url: unknown, repository: string): boolean {
  const u = str(url);
  if (!u) return false;
  return u.toLowerCase().endsWith(`/repos/${repository.toLowerCase()}`);
}

/**
 * May this run build? Refuses a fork's head under pull_request_target unless the user opted in: that event has
 * the base repository's write token and secrets, and the Dockerfile's RUN steps are the fork author's code.
 * Returns undefined when the build may go ahead, else a one-line refusal.
 */
export function untrustedBuildRefusal(ctx: RunContext, allowUntrustedBuild: boolean): string | undefined {
  if (!ctx.untrustedHead || allowUntrustedBuild) return undefined;
  return (
    `refusing to build ${ctx.pr?.headRepo || 'a fork'}@${ctx.pr?.headRef ?? '?'} under pull_request_target: ` +
    'its Dockerfile would run with this repository\'s write token and secrets; build on `pull_request` and post ' +
    'with `mode: report` from a `workflow_run` workflow, or set `allow-untrusted-build: true` if you accept the risk'
  );
}
