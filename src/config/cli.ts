// The CLI's surface of the option table: each command's flags, their help lines, and parsed flags as
// OptionValues — so `layerwise run --max-size 1x` fails with the same message shape as `max-size: 1x`.
import { parseArgs } from 'node:util';
import { InputError } from '../core/errors.js';
import { literalDefault } from './action.js';
import { commandOptions, flagName, repeatable, wrapWords, type CliCommand, type OptionDef } from './options.js';
import { OptionValues } from './values.js';

export interface ParsedCommand {
  values: OptionValues;
  positionals: string[];
  help: boolean;
}

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function argsSpec(command: CliCommand): ParseArgsOptions {
  const spec: ParseArgsOptions = { help: { type: 'boolean', short: 'h' } };
  for (const def of commandOptions(command)) {
    spec[flagName(def)] = {
      type: def.kind === 'flag' ? 'boolean' : 'string',
      ...(repeatable(def) ? { multiple: true } : {}),
      ...(def.cli.short ? { short: def.cli.short } : {}),
    };
  }
  return spec;
}

export function parseCommand(command: CliCommand, argv: string[], env: Record<string, string | undefined>): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: argsSpec(command), allowPositionals: true, strict: true });
  } catch (err) {
    throw new InputError(`layerwise ${command}: ${(err as Error).message.split('\n')[0]}`);
  }
  const taken = new Set(commandOptions(command).map((d) => d.name));
  const raw = (def: OptionDef): string => {
    if (!taken.has(def.name)) return '';
    const v = parsed.values[flagName(def)];
    if (def.kind === 'flag') return v === true ? (def.cli?.negate ? 'false' : 'true') : '';
    return Array.isArray(v) ? v.join('\n') : typeof v === 'string' ? v : '';
  };
  const values = new OptionValues({
    takes: (def) => taken.has(def.name),
    get: raw,
    defaultOf: (def) => literalDefault(def, def.cli?.default ?? def.default),
    label: (def) => `layerwise ${command} --${flagName(def)}`,
    env,
  });
  return { values, positionals: parsed.positionals, help: parsed.values.help === true };
}

/** Refuses positional arguments for commands that take none. */
export function noPositionals(command: CliCommand, parsed: ParsedCommand, hint = 'expected flags only'): void {
  if (parsed.positionals.length) throw new InputError(`layerwise ${command}: unexpected argument '${parsed.positionals[0]}' (${hint})`);
}

const HELP_WIDTH = 112;

/** The flag lines of a command's help, from the table: `  -f, --file F   Dockerfile (default …)`. */
export function flagHelp(command: CliCommand): string {
  const rows = commandOptions(command).map((def) => {
    const name = `${def.cli.short ? `-${def.cli.short}, ` : '    '}--${flagName(def)}${def.kind === 'flag' ? '' : ` ${def.cli.value ?? 'V'}`}`;
    return { name, text: (def.cli.help ?? def.description).replace(/`/g, '') };
  });
  const width = Math.min(28, Math.max(...rows.map((r) => r.name.length)) + 2);
  const indent = `\n  ${' '.repeat(width)}`;
  return rows
    .map((r) => `  ${r.name.length + 2 > width ? r.name + indent : r.name.padEnd(width)}${wrapWords(r.text, HELP_WIDTH - width - 2).join(indent)}`)
    .join('\n');
}
