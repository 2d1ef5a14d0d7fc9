// Running docker through @actions/exec, behind a small function type so callers can point it at another
// engine (env DOCKER_HOST, DOCKER_CONFIG) and stream output as it comes.
import * as actionsExec from '@actions/exec';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Streamed stderr; when set, stderr is not also collected into the result. */
  onStderr?: (chunk: string) => void;
  onStdout?: (chunk: string) => void;
}

export type Exec = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>;

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The default Exec: @actions/exec, silent (we render our own log), never throwing on a non-zero exit. */
export const execWithActions: Exec = async (command, args, options = {}) => {
  let stdout = '';
  let stderr = '';
  const exitCode = await actionsExec.exec(command, args, {
    silent: true,
    ignoreReturnCode: true,
    cwd: options.cwd,
    env: definedEnv(options.env ?? process.env),
    listeners: {
      stdout: (data: Buffer) => {
        const text = data.toString('utf8');
        if (options.onStdout) options.onStdout(text);
        else stdout += text;
      },
      stderr: (data: Buffer) => {
        const text = data.toString('utf8');
        if (options.onStderr) options.onStderr(text);
        else stderr += text;
      },
    },
  });
  return { exitCode, stdout, stderr };
};
