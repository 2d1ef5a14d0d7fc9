// Budget rules from action inputs (or CLI flags of the same names) and the optional YAML budget file.
//
// Which size: `max-size` is the COMPRESSED size (what a pull downloads, what registries show); the
// uncompressed size (sum of layer contents) has its own rule, `max-uncompressed-size`. `max-growth` compares
// compressed sizes too. `max-layer-size` is a single layer's uncompressed size. MB = 10^6 bytes, MiB = 2^20.
//
// The file (e.g. .github/layerwise.yml):
//   defaults:                      # every image, unless its own entry sets the same rule
//     max-growth: 5MB, 10%         # a bare value is a `fail` rule
//   images:
//     app:                         # the image key
//       max-size: { warn: 150MB, fail: 200MB }
//       max-layers: 30
// Inputs win over the file for the same rule name. `fail-on` (fail | warn | never, default fail) turns warn
// rules into fail rules (`warn`) or every rule into a warning (`never`: report only).
import { isAlias, isMap, isScalar, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { InputError } from '../core/errors.js';
import type { BudgetRule, RuleLevel } from './types.js';
import { isPercent, parseCountValue, parsePercent, parseRatio, parseSize } from '../core/units.js';

export interface BudgetInputs {
  maxSize?: string;
  /** Same rule as max-size (spelled out); give one of the two. */
  maxCompressedSize?: string;
  maxUncompressedSize?: string;
  maxGrowth?: string;
  maxLayers?: string;
  maxWasted?: string;
  minEfficiency?: string;
  maxLayerSize?: string;
  failOn?: string;
}

export interface ReadBudgetOptions {
  inputs: BudgetInputs;
  file?: { path: string; text: string };
  imageKey: string;
  /** How a rule input is named in errors: `input max-size` (default) or `--max-size` for the CLI. */
  inputLabel?: (name: string) => string;
}

/** Read when present; the action input and the CLI flag `budget-file` name another. */
export const DEFAULT_BUDGET_FILE = '.github/layerwise.yml';

export const RULE_NAMES = [
  'max-size',
  'max-compressed-size',
  'max-uncompressed-size',
  'max-growth',
  'max-layers',
  'max-wasted',
  'min-efficiency',
  'max-layer-size',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

const INPUT_KEYS: Record<RuleName, keyof BudgetInputs> = {
  'max-size': 'maxSize',
  'max-compressed-size': 'maxCompressedSize',
  'max-uncompressed-size': 'maxUncompressedSize',
  'max-growth': 'maxGrowth',
  'max-layers': 'maxLayers',
  'max-wasted': 'maxWasted',
  'min-efficiency': 'minEfficiency',
  'max-layer-size': 'maxLayerSize',
};

const FAIL_ON = ['fail', 'warn', 'never'] as const;

/** Turns one rule value (`150MB`, `5MB,10%`, `95%`) into rules. `where` names the input or file:line. */
export function parseRule(name: RuleName, raw: string, level: RuleLevel, source: string, where: string): BudgetRule[] {
  const rule = (metric: BudgetRule['metric'], limit: number): BudgetRule => ({ metric, limit, level, source });
  switch (name) {
    case 'max-size':
    case 'max-compressed-size':
      return [rule('compressed-size', parseSize(raw, where))];
    case 'max-uncompressed-size':
      return [rule('size', parseSize(raw, where))];
    case 'max-layer-size':
      return [rule('largest-layer', parseSize(raw, where))];
    case 'max-layers':
      return [rule('layers', parseCountValue(raw, where))];
    case 'min-efficiency':
      return [rule('efficiency', parseRatio(raw, where))];
    case 'max-wasted':
      // A wasted share is the same limit as an efficiency floor: efficiency = 1 − wasted / size.
      return [isPercent(raw) ? rule('efficiency', 1 - parseRatio(raw, where)) : rule('wasted-bytes', parseSize(raw, where))];
    case 'max-growth':
      return parseGrowth(raw, where).map(([metric, limit]) => rule(metric, limit));
  }
}

function parseGrowth(raw: string, where: string): [BudgetRule['metric'], number][] {
  const tokens = raw.split(/[\s,]+|\band\b/).filter(Boolean);
  const expected = `expected a growth limit such as 10%, 5MB, or 5MB,10% (both must be exceeded), got '${raw}'`;
  if (tokens.length < 1 || tokens.length > 2) throw new InputError(`${where}: ${expected}`);
  const out: [BudgetRule['metric'], number][] = tokens.map((t) =>
    isPercent(t) ? ['growth-percent', parsePercent(t, where)] : ['growth-bytes', parseSize(t, where)],
  );
  if (out.length === 2 && out[0][0] === out[1][0]) throw new InputError(`${where}: ${expected}`);
  return out;
}

/** The image's budget: file defaults, then the image's file entry, then inputs, each overriding by rule name. */
export function readBudgetRules(opts: ReadBudgetOptions): BudgetRule[] {
  const label = opts.inputLabel ?? ((n: string) => `input ${n}`);
  const byName = new Map<RuleName, BudgetRule[]>();
  if (opts.file) for (const [name, rules] of readBudgetFile(opts.file, opts.imageKey)) byName.set(name, rules);

  const given = (name: RuleName) => opts.inputs[INPUT_KEYS[name]]?.trim() ?? '';
  if (given('max-size') && given('max-compressed-size')) {
    throw new InputError(`${label('max-size')} and ${label('max-compressed-size')} set the same rule: give one of them`);
  }
  for (const name of RULE_NAMES) {
    const raw = given(name);
    if (!raw) continue;
    // max-size and max-compressed-size are one rule: an input of either replaces the file's.
    const key = name === 'max-compressed-size' ? 'max-size' : name;
    byName.delete(name);
    byName.set(key, parseRule(name, raw, 'fail', label(name), label(name)));
  }

  const failOn = (opts.inputs.failOn ?? '').trim().toLowerCase() || 'fail';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new InputError(`${label('fail-on')}: expected one of ${FAIL_ON.join(', ')}, got '${opts.inputs.failOn}'`);
  }
  const rules = [...byName.values()].flat();
  if (failOn === 'warn') return rules.map((r) => ({ ...r, level: 'fail' }));
  if (failOn === 'never') return rules.map((r) => ({ ...r, level: 'warn' }));
  return rules;
}

/** Rules for one image from the YAML budget file, by rule name; errors name the file and line. */
export function readBudgetFile(file: { path: string; text: string }, imageKey: string): Map<RuleName, BudgetRule[]> {
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (node: { range?: [number, number, number] | null } | null | undefined) =>
    `${file.path}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = lines.linePos(e.pos[0]).line;
    throw new InputError(`${file.path}:${line}: not valid YAML: ${e.message.split(' at line')[0]}`);
  }
  const out = new Map<RuleName, BudgetRule[]>();
  if (doc.contents === null) return out; // an empty file sets no budget
  const root = mapping(doc.contents, at, 'the budget file', 'a mapping with `defaults` and/or `images`');

  let defaults: Pair[] = [];
  let own: Pair[] = [];
  for (const pair of root) {
    const key = keyOf(pair, at);
    if (key === 'defaults') defaults = mapping(pair.value, at, 'defaults', 'a mapping of rules').slice();
    else if (key === 'images') {
      for (const img of mapping(pair.value, at, 'images', 'a mapping of image keys to rules')) {
        const rules = mapping(img.value, at, `images.${keyOf(img, at)}`, 'a mapping of rules');
        if (keyOf(img, at) === imageKey) own = rules.slice();
      }
    } else throw new InputError(`${at(pair.key as Node)}: unknown key '${key}' (expected defaults or images)`);
  }
  for (const [section, pairs] of [['defaults', defaults], [`images.${imageKey}`, own]] as const) {
    for (const pair of pairs) {
      const name = keyOf(pair, at);
      if (!(RULE_NAMES as readonly string[]).includes(name)) {
        throw new InputError(`${at(pair.key as Node)}: ${section}: unknown rule '${name}' (expected one of ${RULE_NAMES.join(', ')})`);
      }
      const ruleName = name as RuleName;
      const key = ruleName === 'max-compressed-size' ? 'max-size' : ruleName;
      out.set(key, ruleLevels(ruleName, pair.value as Node | null, `${section}.${name}`, at));
    }
  }
  return out;
}

type At = (node: { range?: [number, number, number] | null } | null | undefined) => string;

/** `150MB` (a fail rule) or `{ warn: 150MB, fail: 200MB }`. */
function ruleLevels(name: RuleName, value: Node | null, path: string, at: At): BudgetRule[] {
  if (isScalar(value)) return parseRule(name, scalarText(value, at, path), 'fail', at(value), `${at(value)}: ${path}`);
  const levels = mapping(value, at, path, 'a value such as 150MB, or { warn: …, fail: … }');
  if (levels.length === 0) throw new InputError(`${at(value)}: ${path}: expected warn and/or fail, got an empty mapping`);
  return levels.flatMap((pair) => {
    const level = keyOf(pair, at);
    if (level !== 'warn' && level !== 'fail') {
      throw new InputError(`${at(pair.key as Node)}: ${path}: unknown level '${level}' (expected warn or fail)`);
    }
    const v = pair.value as Node | null;
    return parseRule(name, scalarText(v, at, `${path}.${level}`), level, at(v), `${at(v)}: ${path}.${level}`);
  });
}

function mapping(node: unknown, at: At, path: string, expected: string): Pair[] {
  if (isAlias(node)) throw new InputError(`${at(node)}: ${path}: aliases are not supported here`);
  if (!isMap(node)) throw new InputError(`${at(node as Node)}: ${path}: expected ${expected}`);
  return node.items as Pair[];
}

function keyOf(pair: Pair, at: At): string {
  if (!isScalar(pair.key)) throw new InputError(`${at(pair.key as Node)}: expected a plain key`);
  return String(pair.key.value);
}

function scalarText(node: Node | null, at: At, path: string): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
    throw new InputError(`${at(node)}: ${path}: expected a value such as 150MB, 10% or 30`);
  }
  return String(node.value);
}
