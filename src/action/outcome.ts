/** What a mode hands back to main.ts: outputs to set and, when the check must fail, the one-line reason. */
export interface ModeOutcome {
  outputs: Record<string, string>;
  failure?: string;
}
