// The limits of a report, in one place: report mode's validator refuses a report beyond them, report assembly
// cuts every report it makes to them (so a report this action writes is never refused by its own report mode),
// and the config refuses a `top-files` above them. In core because report/ and config/ both read it.

/** Largest report file, in UTF-8 bytes (a real one with 127 layers × 10 top files is ~100 KB). */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** Most items per list. Report mode refuses more; report assembly keeps the first ones (lists are sorted biggest first). */
export const LIST_LIMITS = {
  layers: 1000,
  /** Largest files per layer, and files per changed layer in the diff: also the most `top-files` accepts. */
  topFiles: 100,
  hints: 200,
  hintPaths: 50,
  diffLayers: 2000,
  diffNotes: 20,
  rules: 100,
  verdictNotes: 50,
  stages: 200,
  cacheFromPerStage: 100,
  stepsPerStage: 1000,
  cacheSources: 500,
  invocations: 500,
  cacheScopes: 50,
  contextLargest: 50,
  warnings: 100,
  checks: 200,
  baselineTried: 20,
} as const;

/** Longest strings, in code points. Longer ones are cut with `…` (never refused: names may be long). */
export const STRING_LIMITS = {
  /** A stage, rule, branch or platform name. */
  name: 300,
  /** An instruction, message, fix or warning. */
  text: 2000,
  /** A file path. */
  path: 1000,
  /** An image or cache reference, a cache key. */
  ref: 500,
  /** A digest or id. */
  id: 100,
  imageKey: 200,
  mediaType: 200,
  timestamp: 40,
  sha: 64,
} as const;

/** Ranges of numbers: sizes up to a petabyte, counts and positions far beyond any real image. */
export const NUMBER_LIMITS = {
  bytes: 1e15,
  count: 1e9,
  layerIndex: 10_000,
  line: 1e7,
  seconds: 1e7,
  /** Growth in percent: a 100-byte base growing to a petabyte is 1e15 %. */
  percent: 1e17,
  /** Budget limits and measured values in a rule's unit (bytes, count, percent, ratio). */
  ruleValue: 1e18,
  pr: 1e9,
} as const;

/** Bytes of `text` in UTF-8, as a file takes on disk (a lone surrogate is written as U+FFFD, 3 bytes). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Exact UTF-8 bytes of a string as JSON.stringify writes it (quotes and escapes included). */
export function jsonStringBytes(text: string): number {
  return PLAIN_JSON_STRING.test(text) ? text.length + 2 : utf8Bytes(JSON.stringify(text));
}

/**
 * UTF-8 bytes of `JSON.stringify(value, null, indent)` for plain data, computed without building the text (a
 * report far over the limit can be longer than the longest string V8 makes). `stringBytes` sizes each string:
 * exact by default; `s.length + 2` and `6 * s.length + 2` (every unit escaped as \uXXXX) bound it from below and
 * above in time linear in the number of values rather than characters. Past `stopAbove` the count stops early
 * and returns some number above it.
 */
export function jsonBytes(value: unknown, indent = 2, stringBytes: (s: string) => number = jsonStringBytes, stopAbove = Infinity, depth = 0): number {
  if (value === null) return 4;
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      break;
    default:
      return 0; // undefined, functions: left out of objects (arrays hold none in a report)
  }
  const inner = indent ? 1 + indent * (depth + 1) : 0; // newline and indentation before each member
  const outer = indent ? 1 + indent * depth : 0;
  if (Array.isArray(value)) {
    if (!value.length) return 2;
    let n = 2 + outer + (value.length - 1);
    for (const v of value) {
      n += inner + (v === undefined ? 4 : jsonBytes(v, indent, stringBytes, stopAbove - n, depth + 1));
      if (n > stopAbove) return n;
    }
    return n;
  }
  let n = 0;
  let members = 0;
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (!Object.prototype.hasOwnProperty.call(o, k) || v === undefined || typeof v === 'function') continue;
    members++;
    n += inner + jsonStringBytes(k) + (indent ? 2 : 1) + jsonBytes(v, indent, stringBytes, stopAbove - n, depth + 1);
    if (n > stopAbove) return n;
  }
  return members ? n + 2 + outer + (members - 1) : 2;
}
