// The option table is the one source: action.yml's inputs and the README's table are generated from it, the
// action reader asks for exactly its inputs, and each CLI command's flags and help come from its rows.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readActionConfig } from '../../../src/config/action.js';
import { flagHelp, parseCommand } from '../../../src/config/cli.js';
import { actionInputs, commandOptions, flagName, OPTIONS, type CliCommand } from '../../../src/config/options.js';
import { actionYmlInputs, readmeTables } from '../../../src/config/options-doc.js';

const actionText = readFileSync('action.yml', 'utf8');
const action = parse(actionText) as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  branding: { icon: string; color: string };
};
const COMMANDS: CliCommand[] = ['run', 'build', 'analyze', 'stages', 'prune'];

test('action.yml runs dist/index.js on node24 and describes every output', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  expect(action.branding.icon).toBeTruthy();
  for (const [name, spec] of Object.entries(action.outputs)) {
    expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(spec.description.length).toBeGreaterThan(10);
  }
});

test("action.yml's inputs are the table's, as generated (names, defaults, descriptions)", () => {
  expect(actionText).toContain(`\n${actionYmlInputs()}\n`);
  expect(Object.keys(action.inputs)).toEqual(actionInputs().map((d) => d.name));
  for (const def of actionInputs()) {
    expect(action.inputs[def.name].description).toBe(def.description);
    expect(action.inputs[def.name].default).toBe(def.default);
  }
});

test('the table is well formed: kebab names, descriptions, a CLI flag name used once per command', () => {
  const names = OPTIONS.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
  for (const def of OPTIONS) {
    expect(def.name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(def.description.length).toBeGreaterThan(10);
    if (def.kind === 'choice') expect(def.choices?.length).toBeGreaterThan(1);
    if (def.cliOnly) expect(def.cli).toBeDefined();
  }
  for (const command of COMMANDS) {
    const flags = commandOptions(command).map(flagName);
    expect(new Set(flags).size).toBe(flags.length);
    const shorts = commandOptions(command).flatMap((d) => (d.cli.short ? [d.cli.short] : []));
    expect(new Set([...shorts, 'h']).size).toBe(shorts.length + 1);
  }
});

test('the action reader asks for exactly the inputs action.yml declares', () => {
  const asked = new Set<string>();
  readActionConfig({
    get: (name) => {
      asked.add(name);
      return action.inputs[name]?.default?.startsWith('${{') ? '' : (action.inputs[name]?.default ?? '');
    },
    env: {},
    readText: () => undefined,
  });
  expect([...asked].sort()).toEqual(Object.keys(action.inputs).sort());
});

test.each(COMMANDS)('layerwise %s: every flag of its rows parses and is in its help', (command) => {
  const help = flagHelp(command);
  for (const def of commandOptions(command)) {
    expect(help).toContain(`--${flagName(def)}`);
    const argv = def.kind === 'flag' ? [`--${flagName(def)}`] : [`--${flagName(def)}`, 'x'];
    const parsed = parseCommand(command, argv, {});
    expect(parsed.values.given(def.name)).toBe(true);
  }
  expect(help.split('\n').every((line) => line.length <= 112)).toBe(true);
});

test('the README carries the inputs and outputs tables generated from the table and action.yml', () => {
  expect(readFileSync('README.md', 'utf8')).toContain(readmeTables(action.outputs));
  execFileSync('node', ['scripts/options.mjs', '--check'], { encoding: 'utf8' });
});

test("the README's budget file example is a valid budget file", async () => {
  const { readBudgetFile } = await import('../../../src/config/budget.js');
  const readme = readFileSync('README.md', 'utf8');
  const yaml = readme.split('### Budget file')[1].split('```yaml\n')[1].split('```')[0];
  const rules = readBudgetFile({ path: 'README.md', text: yaml }, 'runtime');
  expect([...rules.keys()].sort()).toEqual(['max-growth', 'max-layers', 'max-size', 'min-efficiency']);
  expect(rules.get('max-size')).toEqual([{ metric: 'compressed-size', limit: 150_000_000, level: 'fail', source: expect.stringContaining('README.md:') }]);
});
