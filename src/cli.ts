// The CLI entry point: same pipeline as the action, console output.
import { main } from './cli/main.js';
import type { CliIO } from './cli/types.js';

const io: CliIO = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  cwd: process.cwd(),
  env: process.env,
};
process.exitCode = await main(process.argv.slice(2), io);
