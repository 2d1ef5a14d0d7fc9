// Build-arg values that are secrets by their name never reach a file layerwise writes. BuildKit writes the build
// args a RUN used into the image history (`RUN |1 TOKEN=hunter2 /bin/sh -c …`) and expands them in its step
// names, and the report (uploaded as an artifact on every PR) carries both. Names are judged the way BuildKit's
// SecretsUsedInArgOrEnv check judges ARG and ENV keys; real secrets belong in `secrets:` (secret mounts), which
// never enter the image or the report. Pure.

/** `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`, `GITHUB_AUTH`, `api_key`… — not `KEYRING_DIR`-style compounds. */
const SECRET_NAME = /(?:^|_)(?:api_?key|auth|credentials?|key|pass(?:word|wd|phrase)?|pwd|private_?key|secret|token)(?:_|$)/i;

export const REDACTED = '***';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The values to hide: those of build args named like secrets, longest first (a value may contain another). */
export function secretValues(buildArgs: Record<string, string>): string[] {
  const values = Object.entries(buildArgs).filter(([name, value]) => value !== '' && isSecretName(name)).map(([, value]) => value);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every value replaced by `***`. */
export function redactText(text: string, values: string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

/** A deep copy of plain data (a report, an analysis) with every string redacted; keys are left alone. */
export function redactDeep<T>(data: T, values: string[]): T {
  if (!values.length) return data;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, values);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(data) as T;
}
