// Raw option text → typed values, by the option table's kinds. Both surfaces hand in a RawOptions: the action
// reads `core.getInput`, the CLI its parsed flags. Errors are one line naming the input or flag.
import { InputError } from '../core/errors.js';
import { optionNamed, type OptionDef } from './options.js';

export interface RawOptions {
  /** Whether this surface has the option at all (an action input, or a flag of this command). */
  takes(def: OptionDef): boolean;
  /** The text given for an option, '' when none (repeated flags joined by newlines). */
  get(def: OptionDef): string;
  /** The surface's default when nothing was given (the action's, or the CLI's where it differs). */
  defaultOf(def: OptionDef): string | undefined;
  /** How an error names the option: `input top-files`, `--top`. */
  label(def: OptionDef): string;
  /** For `KEY` without `=` in pairs, as `docker build --build-arg KEY` does. */
  env: Record<string, string | undefined>;
}

/** Comma or newline separated list, blanks dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One entry per line (values such as build args may contain commas); `#` starts a comment line. */
export function splitLines(raw: string): string[] {
  return raw
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
}

/** `K=V` pairs into a record; `K` alone takes K from `env` and is dropped when unset. */
export function parseKeyValues(entries: string[], where: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq === -1 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(entry)) {
      if (env[entry] !== undefined) out[entry] = env[entry] as string;
      continue;
    }
    if (eq <= 0) throw new InputError(`${where}: expected KEY=VALUE, got '${entry}'`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
  }
  return out;
}

const TRUE = ['true', 'yes', '1', 'on'];
const FALSE = ['false', 'no', '0', 'off'];

/** Typed access to the options of one surface, each read and validated when first asked for. */
export class OptionValues {
  constructor(readonly raw: RawOptions) {}

  /** What was given, or the surface's default; '' when neither. */
  text(name: string): string {
    const def = optionNamed(name);
    return this.raw.get(def).trim() || (this.raw.defaultOf(def) ?? '');
  }

  /** A text value, undefined when blank. */
  optional(name: string): string | undefined {
    return this.text(name) || undefined;
  }

  /** True when the user gave the option at all (not its default). */
  given(name: string): boolean {
    return this.raw.get(optionNamed(name)).trim() !== '';
  }

  /** Whether this surface has the option at all (an action input, or a flag of this command). */
  takes(name: string): boolean {
    return this.raw.takes(optionNamed(name));
  }

  label(name: string): string {
    return this.raw.label(optionNamed(name));
  }

  flag(name: string): boolean {
    const v = this.text(name).toLowerCase();
    if (v === '' || FALSE.includes(v)) return false;
    if (TRUE.includes(v)) return true;
    throw new InputError(`${this.label(name)}: expected true or false, got '${this.raw.get(optionNamed(name))}'`);
  }

  list(name: string): string[] {
    return optionNamed(name).kind === 'list' ? splitList(this.text(name)) : splitLines(this.text(name));
  }

  pairs(name: string): Record<string, string> {
    return parseKeyValues(splitLines(this.text(name)), this.label(name), this.raw.env);
  }

  count(name: string): number {
    const def = optionNamed(name);
    const min = def.min ?? 0;
    const max = def.max ?? Number.MAX_SAFE_INTEGER;
    const v = this.text(name);
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      const range = def.max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InputError(`${this.label(name)}: expected a whole number ${range}, got '${this.raw.get(def).trim()}'`);
    }
    return Number(v);
  }

  choice<T extends string>(name: string): T {
    const def = optionNamed(name);
    const v = this.text(name).toLowerCase();
    if ((def.choices ?? []).includes(v)) return v as T;
    throw new InputError(`${this.label(name)}: expected one of ${(def.choices ?? []).join(', ')}, got '${this.raw.get(def).trim()}'`);
  }

  /** A choice that may be left unset (no default). */
  optionalChoice<T extends string>(name: string): T | undefined {
    return this.text(name) ? this.choice<T>(name) : undefined;
  }
}
