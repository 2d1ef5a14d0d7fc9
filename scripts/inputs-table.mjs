// Prints the README's inputs and outputs tables from action.yml (the single source of their descriptions).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
const cell = (text) => String(text ?? '').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
const rows = ['| Input | Default | Description |', '|---|---|---|'];
for (const [name, spec] of Object.entries(action.inputs)) {
  const def = spec.default === undefined ? '' : `\`${cell(spec.default)}\``;
  rows.push(`| \`${name}\` | ${def} | ${cell(spec.description)} |`);
}
rows.push('', '| Output | Description |', '|---|---|');
for (const [name, spec] of Object.entries(action.outputs)) rows.push(`| \`${name}\` | ${cell(spec.description)} |`);
console.log(rows.join('\n'));
