// A small validator for untrusted JSON: each shape checks a value and rebuilds it from known fields only, so
// extra fields never travel on, strings and lists are capped, and numbers are finite and in range. A violation
// throws ShapeError naming the JSON path. The same shapes, given a Fit, cut a report this action made to the
// same limits instead of refusing it (lists shortened, numbers clamped), and say what they cut.

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`${path}: expected ${expected}`);
    this.name = 'ShapeError';
  }
}

/** Told about every list cut and number clamped while fitting; `path` is the JSON path. */
export interface Fit {
  cut(path: string, what: string): void;
}

export type Shape<T> = (value: unknown, path: string, fit?: Fit) => T;

/** `text` cut to `max` code points, the last one `…` (unchanged when it fits). Linear in `max`, not in the text. */
export function cutString(text: string, max: number): string {
  // A string of at most `max` UTF-16 units has at most `max` code points.
  if (text.length <= max) return text;
  const keep = after(text, 0, max - 1);
  return after(text, keep, 1) >= text.length ? text : `${text.slice(0, keep)}…`;
}

/** Index in `text` after `points` more code points from `from` (a surrogate pair is one, a lone surrogate one). */
function after(text: string, from: number, points: number): number {
  let i = from;
  for (let p = 0; p < points && i < text.length; p++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

/** A string cut to `max` code points (long text is shortened, not refused: names may be long). */
export const str =
  (max = 500): Shape<string> =>
  (v, path) => {
    if (typeof v !== 'string') throw new ShapeError(path, 'a string');
    return cutString(v, max);
  };

/** A finite number in [min, max] (integers when `int`). Fitting clamps (and rounds) instead of refusing. */
export const num =
  (min = 0, max = 1e15, int = false): Shape<number> =>
  (v, path, fit) => {
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!int || Number.isInteger(v))) return v;
    if (fit && typeof v === 'number') {
      const clamped = Number.isNaN(v) ? min : Math.min(max, Math.max(min, int ? Math.round(v) : v));
      fit.cut(path, `${v} clamped to ${clamped}`);
      return clamped;
    }
    throw new ShapeError(path, `${int ? 'an integer' : 'a number'} from ${min} to ${max}`);
  };
export const int = (min = 0, max = 1e15): Shape<number> => num(min, max, true);

/** A string of an exact form (a rule name, a documentation URL): refused otherwise, never cut. */
export const matches =
  (pattern: RegExp, says: string): Shape<string> =>
  (v, path) => {
    if (typeof v !== 'string' || !pattern.test(v)) throw new ShapeError(path, says);
    return v;
  };

export const bool: Shape<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new ShapeError(path, 'true or false');
  return v;
};

export const oneOf =
  <T extends string | number>(...choices: T[]): Shape<T> =>
  (v, path) => {
    if (!choices.includes(v as T)) throw new ShapeError(path, `one of ${choices.join(', ')}`);
    return v as T;
  };

/** A list of at most `max` items (more is refused: a report with 10⁶ layers is not a report; fitting keeps the first). */
export const list =
  <T>(item: Shape<T>, max: number): Shape<T[]> =>
  (v, path, fit) => {
    if (!Array.isArray(v)) throw new ShapeError(path, 'a list');
    let items: unknown[] = v;
    if (v.length > max) {
      if (!fit) throw new ShapeError(path, `at most ${max} items, got ${v.length}`);
      fit.cut(path, `${v.length} items cut to ${max}`);
      items = v.slice(0, max);
    }
    return items.map((x, i) => item(x, `${path}[${i}]`, fit));
  };

export const nullable =
  <T>(inner: Shape<T>): Shape<T | null> =>
  (v, path, fit) =>
    v === null ? null : inner(v, path, fit);

/** Marks a field optional: absent (or undefined) stays absent. */
export interface Optional<T> {
  optional: Shape<T>;
}
export const opt = <T>(inner: Shape<T>): Optional<T> => ({ optional: inner });

type Fields = Record<string, Shape<unknown> | Optional<unknown>>;
type Out<F extends Fields> = { [K in keyof F as F[K] extends Optional<unknown> ? never : K]: F[K] extends Shape<infer T> ? T : never } & {
  [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: F[K] extends Optional<infer T> ? T : never;
};

export const obj = <F extends Fields>(fields: F): Shape<Out<F>> => {
  const known = Object.entries(fields);
  return (v, path, fit) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(path, 'an object');
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, f] of known) {
      const value = Object.hasOwn(src, name) ? src[name] : undefined;
      const at = `${path}.${name}`;
      if (typeof f === 'object') {
        if (value !== undefined) out[name] = f.optional(value, at, fit);
      } else {
        out[name] = f(value, at, fit);
      }
    }
    return out as Out<F>;
  };
};
