// What every CLI command shares: flags → Config through the option table, the run context a terminal has, and
// the Dockerfile read once into a stage graph with the engine's frontend rules.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseCommand, type ParsedCommand } from '../config/cli.js';
import type { CliCommand } from '../config/options.js';
import { readConfig } from '../config/read.js';
import type { Config } from '../config/types.js';
import { InputError } from '../core/errors.js';
import type { RunContext } from '../core/run-context.js';
import { buildStageGraph } from '../dockerfile/graph.js';
import type { StageGraph } from '../dockerfile/types.js';
import { daemonVersion, dockerClient } from '../image/sources.js';
import type { CliIO } from './types.js';

export interface CliCommandInput extends ParsedCommand {
  config: Config;
}

/** Parses a command's flags and reads them into the same Config the action builds from its inputs. */
export function cliConfig(command: CliCommand, argv: string[], io: Pick<CliIO, 'cwd' | 'env'>): CliCommandInput {
  const parsed = parseCommand(command, argv, io.env);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const config = readConfig(parsed.values, {
    env: io.env,
    resolvePath: at,
    displayPath: (p) => relative(io.cwd, p) || p,
    readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
  });
  return { ...parsed, config };
}

function gitBranch(dir: string): string | undefined {
  try {
    const b = execFileSync('git', ['-C', dir, 'rev-parse', '--abbrev-ref', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return b && b !== 'HEAD' ? b : undefined;
  } catch {
    return undefined;
  }
}

/** A terminal run: the current git branch's scope, never a PR; `--read-only` as a fork PR would be. */
export function cliRunContext(contextDir: string, readOnly: boolean): RunContext {
  return {
    event: 'cli', repository: '', sha: '', branch: gitBranch(contextDir) ?? 'local', fork: false, actor: 'cli',
    readOnly, canComment: false, untrustedHead: false,
  };
}

/**
 * The Dockerfile as a stage graph. The frontend's rules come from `frontend` (a version, `legacy` or
 * `current`), a `# syntax=` line, or the engine at `host` (DOCKER_HOST) when `askEngine` — the engine that
 * builds (or built) the image decides what it needs.
 */
export async function cliStageGraph(
  config: Config,
  io: Pick<CliIO, 'cwd' | 'env'>,
  opts: { command: string; frontend?: string; host?: string; askEngine: boolean },
): Promise<StageGraph> {
  const path = config.build.dockerfile;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new InputError(`layerwise ${opts.command}: cannot read --file ${relative(io.cwd, path) || "."} (${code}; expected a readable Dockerfile)`);
  }
  const engineVersion = opts.frontend || !opts.askEngine ? undefined : await daemonVersion(dockerClient(opts.host ?? io.env.DOCKER_HOST), 3_000);
  return buildStageGraph(text, {
    file: relative(io.cwd, path) || path,
    target: config.build.target,
    buildArgs: config.build.buildArgs,
    platform: config.build.platforms[0],
    frontend: opts.frontend,
    engineVersion,
  });
}
