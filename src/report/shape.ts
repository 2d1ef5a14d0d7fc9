// A small validator for untrusted JSON: each shape checks a value and rebuilds it from known fields only, so
// extra fields never travel on, strings and lists are capped, and numbers are finite and in range. A violation
// throws ShapeError naming the JSON path.

export class ShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`${path}: expected ${expected}`);
    this.name = 'ShapeError';
  }
}

export type Shape<T> = (value: unknown, path: string) => T;

/** A string cut to `max` code points (long text is shortened, not refused: names may be long). */
export const str =
  (max = 500): Shape<string> =>
  (v, path) => {
    if (typeof v !== 'string') throw new ShapeError(path, 'a string');
    const chars = Array.from(v);
    return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : v;
  };

/** A finite number in [min, max] (integers when `int`). */
export const num =
  (min = 0, max = 1e15, int = false): Shape<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      throw new ShapeError(path, `${int ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return v;
  };
export const int = (min = 0, max = 1e15): Shape<number> => num(min, max, true);

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

/** A list of at most `max` items (more is refused: a report with 10⁶ layers is not a report). */
export const list =
  <T>(item: Shape<T>, max: number): Shape<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) throw new ShapeError(path, 'a list');
    if (v.length > max) throw new ShapeError(path, `at most ${max} items, got ${v.length}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

export const nullable =
  <T>(inner: Shape<T>): Shape<T | null> =>
  (v, path) =>
    v === null ? null : inner(v, path);

/** Marks a field optional: absent (or undefined) stays absent. */
export interface Optional<T> {
  optional: Shape<T>;
}
export const opt = <T>(inner: Shape<T>): Optional<T> => ({ optional: inner });

type Fields = Record<string, Shape<unknown> | Optional<unknown>>;
type Out<F extends Fields> = { [K in keyof F as F[K] extends Optional<unknown> ? never : K]: F[K] extends Shape<infer T> ? T : never } & {
  [K in keyof F as F[K] extends Optional<unknown> ? K : never]?: F[K] extends Optional<infer T> ? T : never;
};

export const obj =
  <F extends Fields>(fields: F): Shape<Out<F>> =>
  (v, path) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(path, 'an object');
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(fields)) {
      const value = Object.prototype.hasOwnProperty.call(src, name) ? src[name] : undefined;
      if (typeof f === 'object') {
        if (value !== undefined) out[name] = f.optional(value, `${path}.${name}`);
      } else {
        out[name] = f(value, `${path}.${name}`);
      }
    }
    return out as Out<F>;
  };
