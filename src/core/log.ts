/** Where adapters send what a person should read: the action hands in @actions/core, the CLI stderr, tests a recorder. */
export interface Logger {
  warning(message: string): void;
  info(message: string): void;
}
