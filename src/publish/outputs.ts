// The action's outputs (names as in action.yml), and the one check every value passes before main.ts sets it.
// In report mode the values come from an artifact a fork wrote, and workflows paste outputs into `run:` scripts
// (`${{ steps.x.outputs.digest }}` is substituted before the shell sees it): a value that is not exactly its
// documented form is left empty, with a warning. Pure.
import type { Report } from '../report/types.js';

const SHA256 = /^sha256:[0-9a-f]{64}$/;
/**
 * Never in any value, whatever its form: line breaks, and the prefix of the delimiter @actions/core's setOutput
 * puts around a value in the GITHUB_OUTPUT file (`name<<ghadelimiter_<uuid>`; it throws on a value holding it).
 */
const NEVER = /[\r\n\u2028\u2029]|ghadelimiter_/;
const WHOLE = /^\d{1,16}$/;

/** The exact form of each output; '' (unknown) is always allowed. */
export const OUTPUT_FORMS = {
  verdict: { form: /^(pass|warn|fail)$/, says: 'pass, warn or fail' },
  size: { form: WHOLE, says: 'a whole number of bytes' },
  'compressed-size': { form: WHOLE, says: 'a whole number of bytes' },
  'size-delta': { form: /^-?\d{1,16}$/, says: 'a whole number of bytes' },
  'cache-hit-ratio': { form: /^(0|1|0\.\d{1,3})$/, says: 'a ratio from 0 to 1 with at most 3 decimals' },
  // The path the action wrote or read the report at (the workflow's own input, or RUNNER_TEMP): any path without
  // quotes, backticks, `$`, `;`, `|`, `&`, `<`, `>` or control characters.
  // eslint-disable-next-line no-control-regex
  'report-path': { form: /^[^\u0000-\u001f\u007f"'`$;|&<>]{1,4096}$/u, says: 'a file path without quotes or shell operators' },
  'image-id': { form: SHA256, says: 'sha256:<64 hex digits>' },
  digest: { form: SHA256, says: 'sha256:<64 hex digits>' },
  skipped: { form: /^(true|false)$/, says: 'true or false' },
} as const satisfies Record<string, { form: RegExp; says: string }>;

export type OutputName = keyof typeof OUTPUT_FORMS;

/** The outputs of a report, as they are (checkOutputs decides what may leave). */
export function actionOutputs(report: Report, reportPath: string): Record<OutputName, string> {
  const build = report.build;
  return {
    verdict: report.verdict.status,
    size: String(report.image.sizeBytes),
    'compressed-size': String(report.image.compressedBytes),
    // Empty without a baseline: "no change" and "nothing to compare with" must not look alike.
    'size-delta': report.diff && report.baseline ? String(report.diff.delta.compressedBytes) : '',
    'cache-hit-ratio': build ? String(Math.round(build.cacheHitRatio * 1000) / 1000) : '',
    'report-path': reportPath,
    'image-id': build?.imageId ?? report.image.id ?? '',
    digest: build?.digest ?? '',
    skipped: build?.upToDate ? 'true' : 'false',
  };
}

/**
 * Every output of every mode, as main.ts will set it: each value in its exact form, else ''. An output
 * action.yml does not declare is never set. Returns the warnings to print.
 */
export function checkOutputs(outputs: Record<string, string>): { outputs: Record<string, string>; warnings: string[] } {
  const checked: Record<string, string> = {};
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(outputs)) {
    const spec = Object.hasOwn(OUTPUT_FORMS, name) ? OUTPUT_FORMS[name as OutputName] : undefined;
    if (!spec) {
      warnings.push(`layerwise: output ${quote(name)} is not one action.yml declares; not set`);
      continue;
    }
    if (value === '' || (spec.form.test(value) && !NEVER.test(value))) {
      checked[name] = value;
    } else {
      checked[name] = '';
      warnings.push(`layerwise: output ${name} left empty: ${quote(value)} is not ${spec.says}`);
    }
  }
  return { outputs: checked, warnings };
}

/** A value for a log line: JSON-quoted (no line breaks or control characters) and short. */
function quote(value: string): string {
  const cut = Array.from(value).slice(0, 80).join('');
  return JSON.stringify(cut.length < value.length ? `${cut}…` : cut);
}
