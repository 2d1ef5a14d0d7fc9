// Starts the bundled action exactly as a GitHub runner does: `node dist/index.js` with INPUT_* variables (the
// defaults from action.yml filled in, as the runner does), GITHUB_* variables, an event payload file, and the
// runner's command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE). Returns what it wrote.
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunActionOptions {
  inputs: Record<string, string>;
  eventName: string;
  payload: unknown;
  /** GITHUB_API_URL (a local server in tests). */
  apiUrl: string;
  token?: string;
  /** Working directory = GITHUB_WORKSPACE. */
  workspace: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * RUNNER_TEMP. A runner keeps the same path for every job (GitHub-hosted: /home/runner/work/_temp), and the
   * Actions cache version hashes cached paths, so runs that share a cache must share this. Default: a new dir.
   */
  runnerTemp?: string;
  /** Fill in action.yml's input defaults as the runner does (default true). */
  defaults?: boolean;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error …::` / `::warning …::` workflow commands the action printed. */
  commands: string[];
  tempDir: string;
}

/** `name<<DELIM\nvalue\nDELIM` blocks, as @actions/core writes GITHUB_OUTPUT. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^([^<=]+)<<(.+)$/);
    if (m) {
      const end = lines.indexOf(m[2], i + 1);
      out[m[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const [k, ...v] = lines[i].split('=');
      out[k] = v.join('=');
    }
  }
  return out;
}

/** action.yml input defaults, with `${{ github.token }}` resolved to the token (what the runner does). */
export function actionDefaults(token: string): Record<string, string> {
  const spec = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(spec.inputs)) {
    if (def.default === undefined) continue;
    out[name] = String(def.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, token);
  }
  return out;
}

export async function runActionLikeRunner(opts: RunActionOptions): Promise<ActionRun> {
  // The runner's own files for this job (event, outputs, summary) live apart from RUNNER_TEMP.
  const tempDir = mkdtempSync(join(tmpdir(), 'layerwise-runner-'));
  const runnerTemp = opts.runnerTemp ?? tempDir;
  const files = { event: 'event.json', output: 'output', summary: 'summary.md', env: 'env', state: 'state', path: 'path' };
  for (const f of Object.values(files)) writeFileSync(join(tempDir, f), '');
  writeFileSync(join(tempDir, files.event), JSON.stringify(opts.payload));
  const token = opts.token ?? 'ghs_localtesttoken';
  const inputs = { ...(opts.defaults === false ? {} : actionDefaults(token)), ...opts.inputs };
  const payload = opts.payload as { repository?: { full_name?: string } };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tempDir,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...(process.env.DOCKER_CONFIG ? { DOCKER_CONFIG: process.env.DOCKER_CONFIG } : {}),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.eventName,
    GITHUB_EVENT_PATH: join(tempDir, files.event),
    GITHUB_REPOSITORY: payload.repository?.full_name ?? 'acme/app',
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'dev',
    GITHUB_OUTPUT: join(tempDir, files.output),
    GITHUB_STEP_SUMMARY: join(tempDir, files.summary),
    GITHUB_ENV: join(tempDir, files.env),
    GITHUB_STATE: join(tempDir, files.state),
    GITHUB_PATH: join(tempDir, files.path),
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])),
    ...opts.env,
  };
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'index.js')], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearTimeout(timer);
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(readFileSync(join(tempDir, files.output), 'utf8')),
    summary: readFileSync(join(tempDir, files.summary), 'utf8'),
    commands: stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l)),
    tempDir,
  };
}
