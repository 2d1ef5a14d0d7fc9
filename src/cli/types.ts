/** What a CLI command may touch of the terminal; tests hand in a recorder. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A CLI command: argv after the command name → exit code (0 ok, 1 failed verdict/build, 2 bad input). */
export type Command = (argv: string[], io: CliIO) => Promise<number>;
