// The option table as documentation: action.yml's `inputs:` block and the README's inputs table are rendered
// from it (scripts/options.mjs writes them; a unit test fails when either is stale). Pure.
import { stringify } from 'yaml';
import { actionInputs, wrapWords } from './options.js';

/** The `inputs:` block of action.yml, exactly as scripts/options.mjs writes it. */
export function actionYmlInputs(): string {
  const lines = ['inputs:'];
  for (const def of actionInputs()) {
    lines.push(`  ${def.name}:`);
    const oneLine = `    description: ${scalar(def.description)}`;
    // Long descriptions as folded blocks: readable in the file, one line to GitHub.
    if (oneLine.length <= 116 && !oneLine.includes('\n')) lines.push(oneLine);
    else lines.push('    description: >-', ...wrapWords(def.description, 104).map((l) => `      ${l}`));
    if (def.default !== undefined) lines.push(`    default: ${scalar(def.default)}`);
  }
  return lines.join('\n');
}

/** A YAML scalar on one line: plain where YAML reads it back as the same string, quoted otherwise. */
function scalar(text: string): string {
  return stringify(text, { lineWidth: 0 }).trimEnd();
}

const cell = (text: string) => text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');

/** The README's inputs table; outputs come from action.yml's `outputs:` (handed in). */
export function readmeTables(outputs: Record<string, { description: string }>): string {
  const rows = ['| Input | Default | Description |', '|---|---|---|'];
  for (const def of actionInputs()) rows.push(`| \`${def.name}\` | ${def.default === undefined ? '' : `\`${cell(def.default)}\``} | ${cell(def.description)} |`);
  rows.push('', '| Output | Description |', '|---|---|');
  for (const [name, spec] of Object.entries(outputs)) rows.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return rows.join('\n');
}

/** Replaces the `inputs:` block of action.yml's text (up to `outputs:`) with the generated one. */
export function withGeneratedInputs(actionYml: string): string {
  const start = actionYml.indexOf('\ninputs:\n');
  const end = actionYml.indexOf('\noutputs:\n');
  if (start < 0 || end < start) throw new Error('action.yml: expected an inputs: block followed by outputs:');
  return `${actionYml.slice(0, start + 1)}${actionYmlInputs()}\n${actionYml.slice(end)}`;
}
