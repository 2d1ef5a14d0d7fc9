// action.yml, the config reader and the README describe the same inputs: a new input must be read and
// documented, and a removed one must go from all three.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readActionConfigWithBudget } from '../../../src/config/inputs.js';

const action = parse(readFileSync('action.yml', 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  branding: { icon: string; color: string };
};

test('action.yml runs dist/index.js on node24 and describes every input and output', () => {
  expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  expect(action.branding.icon).toBeTruthy();
  for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
    expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(spec.description.length).toBeGreaterThan(10);
  }
});

test('the config reader asks for exactly the inputs action.yml declares', () => {
  const asked = new Set<string>();
  readActionConfigWithBudget({
    get: (name) => {
      asked.add(name);
      return action.inputs[name]?.default?.startsWith('${{') ? '' : (action.inputs[name]?.default ?? '');
    },
    env: {},
    readText: () => undefined,
  });
  expect([...asked].sort()).toEqual(Object.keys(action.inputs).sort());
});

test('the README carries the inputs and outputs tables generated from action.yml', () => {
  const table = execFileSync('node', ['scripts/inputs-table.mjs'], { encoding: 'utf8' }).trim();
  expect(readFileSync('README.md', 'utf8')).toContain(table);
});

test("the README's budget file example is a valid budget file", async () => {
  const { readBudgetFile } = await import('../../../src/config/budget.js');
  const readme = readFileSync('README.md', 'utf8');
  const yaml = readme.split('### Budget file')[1].split('```yaml\n')[1].split('```')[0];
  const rules = readBudgetFile({ path: 'README.md', text: yaml }, 'runtime');
  expect([...rules.keys()].sort()).toEqual(['max-growth', 'max-layers', 'max-size', 'min-efficiency']);
  expect(rules.get('max-size')).toEqual([{ metric: 'compressed-size', limit: 150_000_000, level: 'fail', source: expect.stringContaining('README.md:') }]);
});
