// CLI command dispatch: `layerwise <command> [flags]`. Each command lives in its own file beside this one.
import { InputError } from '../core/errors.js';
import { termBlock } from '../core/terminal-text.js';
import type { Command, CliIO } from './types.js';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'the whole pipeline: per-stage cached build, layer analysis, baseline comparison, budget', load: async () => (await import('./run.js')).runCommand },
  build: { summary: 'build every needed stage with its own cache, load (and push) the image', load: async () => (await import('./build.js')).buildCommand },
  prune: { summary: 'clean the cache repository (closed PRs, deleted branches, old manifests) or local intermediates; dry run by default', load: async () => (await import('./prune.js')).pruneCommand },
  analyze: { summary: 'measure an image layer by layer: sizes, Dockerfile lines, largest files, waste, junk', load: async () => (await import('./analyze.js')).analyzeCommand },
  stages: { summary: 'print the stage graph: what the target needs, in build order', load: async () => (await import('./stages.js')).stagesCommand },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: layerwise <command> [flags]', '', 'commands:', ...rows, '', 'Run `layerwise <command> --help` for its flags.'].join('\n');
}

/** Everything a command prints passes through termBlock: no escape sequence from an image or a build reaches the terminal. */
function safeIO(io: CliIO): CliIO {
  return { ...io, out: (t) => io.out(termBlock(t)), err: (t) => io.err(termBlock(t)) };
}

export async function main(argv: string[], rawIO: CliIO): Promise<number> {
  const io = safeIO(rawIO);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`layerwise: unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (err) {
    if (err instanceof InputError) {
      io.err(err.message);
      return 2;
    }
    io.err(`layerwise ${name}: ${(err as Error).message}`);
    return 2;
  }
}
