// The CLI's flag reader: one place, so every command reports bad flags the same way.
import { parseArgs } from 'node:util';
import { InputError } from '../core/errors.js';

export interface FlagSpec {
  [name: string]: { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
}

export interface ParsedFlags {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseFlags(command: string, argv: string[], spec: FlagSpec): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (err) {
    throw new InputError(`layerwise ${command}: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const v = flags.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(flags: ParsedFlags, name: string): string[] {
  const v = flags.values[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

export function boolFlag(flags: ParsedFlags, name: string): boolean {
  return flags.values[name] === true;
}

/** `K=V` pairs (build args, labels) into a record; `where` names the flag or input for the error. */
export function parseKeyValues(entries: string[], where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new InputError(`${where}: expected KEY=VALUE, got '${entry}'`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
  }
  return out;
}
