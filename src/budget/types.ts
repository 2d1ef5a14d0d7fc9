import type { BudgetRule, RuleLevel } from '../config/types.js';

export type VerdictStatus = 'pass' | 'warn' | 'fail';

/** One rule checked against the measured image. */
export interface RuleResult {
  rule: BudgetRule;
  metric: BudgetRule['metric'];
  level: RuleLevel;
  /** Measured value in the rule's unit (bytes, count, percent 0–100, ratio 0–1); null when skipped. */
  actual: number | null;
  limit: number;
  /** `warn`/`fail` when the limit is exceeded (at the rule's level), `skipped` when it cannot be checked. */
  status: 'pass' | 'warn' | 'fail' | 'skipped';
  /** Human sentence with the numbers, e.g. `compressed size 212.4 MB exceeds max 200 MB (fail)`. */
  message: string;
  /**
   * Growth rules in bytes and percent at the same level act together: the regression counts only when both
   * limits are exceeded. Names the partner rule's metric when this result was decided jointly.
   */
  jointWith?: BudgetRule['metric'];
}

export interface Verdict {
  status: VerdictStatus;
  /** Every rule, in configuration order. */
  results: RuleResult[];
  /** The results that decided the status (the failing ones for fail, the warning ones for warn). */
  deciding: RuleResult[];
  /** One line: `fail — max growth 10 % (+21.9 %, +38.1 MB)`, or `pass — 4 rules` / `pass — no budget`. */
  summary: string;
  /** E.g. `2 relative rules skipped: no baseline`. */
  notes: string[];
}
