// BuildKit's Dockerfile checks (FromAsCasing, LegacyKeyValueFormat, …): read from the progress stream, from
// buildx's plain text or from `--call=check,format=json`, and kept once each. Every stage build reports the
// same warnings again, so a three-stage file would list each three times. Pure.

export interface DockerfileCheck {
  /** BuildKit's rule name, e.g. `FromAsCasing`. */
  rule: string;
  /** What is wrong on this line, without the rule name and the `(line N)` suffix. */
  message: string;
  /** Dockerfile line (1-based), when BuildKit gave one. */
  line?: number;
  /** The rule's documentation page (only docs.docker.com rule pages are kept). */
  url?: string;
}

/** A warning as `--progress=rawjson` prints it (text fields base64). */
export interface RawCheckWarning {
  short?: string;
  url?: string;
  range?: { start?: { line?: number } }[];
}

/** One entry of `docker buildx build --call=check,format=json`. */
interface CallCheckWarning {
  ruleName?: unknown;
  detail?: unknown;
  url?: unknown;
  location?: { ranges?: { start?: { line?: unknown } }[] };
}

export const RULE_NAME = /^[A-Z][A-Za-z0-9]{1,63}$/;
export const RULE_URL = /^https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/[a-z0-9-]{1,64}\/$/;
const SHORT = /^([A-Z][A-Za-z0-9]{1,63}): (.+?)(?: \(line (\d{1,7})\))?$/s;

function validLine(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 10_000_000 ? n : undefined;
}

/** A rule's page on docs.docker.com: the only links a check may carry into a report. */
export function isRuleDocUrl(u: unknown): u is string {
  return typeof u === 'string' && RULE_URL.test(u);
}

function validUrl(u: unknown): string | undefined {
  return isRuleDocUrl(u) ? u : undefined;
}

function make(rule: string, message: string, line: number | undefined, url: string | undefined): DockerfileCheck | undefined {
  const text = message.replace(/\s+/g, ' ').trim().slice(0, 500);
  if (!RULE_NAME.test(rule) || !text) return undefined;
  return { rule, message: text, ...(line ? { line } : {}), ...(url ? { url } : {}) };
}

/** `FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)` (the decoded `short`) → a check. */
export function checkFromShort(short: string, extra: { line?: unknown; url?: unknown } = {}): DockerfileCheck | undefined {
  const m = SHORT.exec(short.trim());
  if (!m) return undefined;
  return make(m[1], m[2], validLine(extra.line) ?? validLine(m[3] ? Number(m[3]) : undefined), validUrl(extra.url));
}

/** A rawjson warning, its `short` already decoded. */
export function checkFromRawWarning(w: RawCheckWarning, short: string): DockerfileCheck | undefined {
  return checkFromShort(short, { line: w.range?.[0]?.start?.line, url: w.url });
}

/** SGR colour escapes: buildx colours its warning list even in a plain log. */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** buildx's plain summary: ` - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)`. */
export function checksFromText(lines: string[]): DockerfileCheck[] {
  return lines.flatMap((l) => {
    const m = /^\s*-\s+(.*\(line \d{1,7}\))\s*$/.exec(l.replace(COLOUR, ''));
    const c = m ? checkFromShort(m[1]) : undefined;
    return c ? [c] : [];
  });
}

/** The JSON `--call=check,format=json` prints on stdout; undefined when it is not that JSON. */
export function checksFromCallOutput(stdout: string): DockerfileCheck[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const warnings = (parsed as { warnings?: unknown }).warnings;
  if (warnings === undefined || warnings === null) return [];
  if (!Array.isArray(warnings)) return undefined;
  return dedupeChecks(
    (warnings as CallCheckWarning[]).flatMap((w) => {
      const c = typeof w?.ruleName === 'string' && typeof w.detail === 'string'
        ? make(w.ruleName, w.detail, validLine(w.location?.ranges?.[0]?.start?.line), validUrl(w.url))
        : undefined;
      return c ? [c] : [];
    }),
  );
}

/** Each check once (rule, line and message), in Dockerfile line order. */
export function dedupeChecks(checks: DockerfileCheck[]): DockerfileCheck[] {
  const seen = new Map<string, DockerfileCheck>();
  for (const c of checks) {
    const key = `${c.rule}\u0000${c.line ?? ''}\u0000${c.message}`;
    if (!seen.has(key)) seen.set(key, c);
  }
  return [...seen.values()].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.rule.localeCompare(b.rule));
}

/** The rules a `# check=error=true` build failed on (`lint violation found for rules: A, B`), or undefined. */
export function lintViolationRules(text: string): string[] | undefined {
  const m = /lint violation found for rules?: ([A-Za-z0-9, ]+)/.exec(text);
  return m ? m[1].split(',').map((r) => r.trim()).filter((r) => RULE_NAME.test(r)) : undefined;
}

/** `FromAsCasing at Dockerfile:1 ('as' and 'FROM' keywords' casing do not match)`; `at line 1` without a file. */
export function describeCheck(c: DockerfileCheck, file?: string): string {
  const where = file ? ` at ${file}${c.line ? `:${c.line}` : ''}` : c.line ? ` at line ${c.line}` : '';
  return `${c.rule}${where} (${c.message})`;
}

/** The one-line error for failed checks: each rule at its file and line (the first five), then how many more. */
export function checksFailure(checks: DockerfileCheck[], file: string, why: string, rules: string[] = []): string {
  const named = checks.length ? checks.slice(0, 5).map((c) => describeCheck(c, file)) : [`${rules.join(', ')} in ${file}`];
  const more = checks.length > 5 ? `; and ${checks.length - 5} more` : '';
  return `Dockerfile checks failed (${why}): ${named.join('; ')}${more}`;
}
