// Fuzz suite over report mode's validator (issue 12): what a fork's artifact can be — valid reports mutated at
// random places, values of every type, huge and deep ones, prototype keys, text cut anywhere — goes through
// parseUntrustedReport as report mode calls it. Properties: it only ever throws the project's InputError, in one
// line; what it accepts holds documented fields only, within their caps, and renders; its work grows linearly
// with the input (counted as reads of the input, never timed). Bounded: a few seconds in all.
import { reportFrom } from '../../helpers/report.js';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { InputError } from '../../../src/core/errors.js';
import { LIST_LIMITS, STRING_LIMITS } from '../../../src/core/report-limits.js';
import { commentBodyLimit } from '../../../src/publish/marker.js';
import { renderJson } from '../../../src/report/build.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Report } from '../../../src/report/types.js';
import { checkReport, parseUntrustedReport, safeImageKey } from '../../../src/report/untrusted.js';
import { reportParts } from '../../helpers/report-arbitraries.js';
import { fixtureReport } from '../../helpers/report-fixture.js';

const FILE = 'layerwise-report/layerwise-report.json';
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Valid reports to mutate: the fixture, and two build mode made from generated images (~30 KB each, with a
 * baseline, and a build record with its optional fields).
 */
const SEEDS: string[] = [
  JSON.stringify(fixtureReport({ pr: 7 })),
  ...fc.sample(reportParts, { numRuns: 3, seed: 1 }).slice(1).map((parts) => renderJson(reportFrom(parts))),
];

/** What report mode does with an artifact's text; asserts that only a one-line InputError naming the file escapes. */
function reportMode(text: string): Report | undefined {
  let report: Report;
  try {
    report = parseUntrustedReport(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${FILE.replace(/[.]/g, '\\.')}: [^\\n\\r]*$`));
    return undefined;
  }
  // Report mode renders what it accepted, sized for the comment: that must not throw either.
  renderMarkdown(report, { maxChars: commentBodyLimit(safeImageKey(report.imageKey)) });
  return report;
}

// ---- documented fields, from docs/report.schema.json (not from the validator: an independent list) ----------

const schema = JSON.parse(readFileSync(new URL('../../../docs/report.schema.json', import.meta.url), 'utf8')) as Json;
const DOCUMENTED = new Set<string>();
(function walk(node: Json, path: string, seen: Set<string>): void {
  if (node.$ref) {
    if (seen.has(node.$ref)) return;
    return walk(schema.definitions[node.$ref.split('/').pop()], path, new Set([...seen, node.$ref]));
  }
  for (const alt of [...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(alt, path, seen);
  for (const [name, sub] of Object.entries(node.properties ?? {})) {
    DOCUMENTED.add(`${path}.${name}`);
    walk(sub, `${path}.${name}`, seen);
  }
  // Required names of an object described by additionalProperties (diff.counts).
  for (const name of node.required ?? []) DOCUMENTED.add(`${path}.${name}`);
  if (node.items) walk(node.items, `${path}[]`, seen);
})(schema, '$', new Set());

/** Every field path in `value` that the schema does not document, and every string or list over its cap. */
function breaches(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return Array.from(value).length > STRING_LIMITS.text ? [`${path}: ${value.length} characters`] : [];
  if (Array.isArray(value)) {
    const over = value.length > LIST_LIMITS.diffLayers ? [`${path}: ${value.length} items`] : [];
    return [...over, ...value.flatMap((v) => breaches(v, `${path}[]`))];
  }
  if (value && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return [`${path}: not a plain object`];
    return Object.entries(value).flatMap(([k, v]) => (DOCUMENTED.has(`${path}.${k}`) ? breaches(v, `${path}.${k}`) : [`${path}.${k}: not documented`]));
  }
  return typeof value === 'number' && !Number.isFinite(value) ? [`${path}: ${value}`] : [];
}

// ---- hostile mutations of valid reports ---------------------------------------------------------------------

function deepArray(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, 1e16, -1, 0.5, 2 ** 53 + 2, 5e-324, 10_001, 1e9 + 1, '12', 'NaN', '', true, null, [], {}),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 1_900, max: 30_000 }).map((n) => `${'\u202e<img src=x onerror=alert(1)> @acme/security-team '.repeat(n / 50)}`),
  fc.integer({ min: 1, max: 2_000 }).map(deepArray),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
);

interface Mutation {
  at: number;
  op: 'set' | 'delete' | 'extra' | 'grow' | 'proto';
  value: unknown;
  times: number;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('set', 'set', 'delete', 'extra', 'grow', 'proto'),
  value: hostileValue,
  times: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 90, max: 1_100 })),
});

/** Every [container, key] in the JSON tree. */
function places(root: Json): [Json, string | number][] {
  const out: [Json, string | number][] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const node = stack.pop();
    for (const key of Object.keys(node)) {
      out.push([node, Array.isArray(node) ? Number(key) : key]);
      if (node[key] && typeof node[key] === 'object') stack.push(node[key]);
    }
  }
  return out;
}

function mutate(seed: string, mutations: Mutation[]): string {
  const root = JSON.parse(seed) as Json;
  for (const m of mutations) {
    const all = places(root);
    const [parent, key] = all[m.at % all.length];
    const target = parent[key];
    const isObject = target && typeof target === 'object' && !Array.isArray(target);
    if (m.op === 'delete' && Array.isArray(parent)) parent.splice(key as number, 1);
    else if (m.op === 'delete') delete parent[key];
    // Lists grown past their limits, kept under ~1 MB of JSON so a run stays quick.
    else if (m.op === 'grow' && Array.isArray(target) && target.length && JSON.stringify(target[0]).length * m.times < 1_000_000) {
      parent[key] = Array.from({ length: m.times }, (_, i) => target[i % target.length]);
    }
    else if (m.op === 'extra') (isObject ? target : Array.isArray(parent) ? {} : parent)[`x-hostile-${m.at % 7}`] = m.value;
    // An own "__proto__" key, as JSON.parse makes from the text.
    else if (m.op === 'proto' && isObject) Object.defineProperty(target, '__proto__', { value: m.value, enumerable: true, configurable: true, writable: true });
    else parent[key] = m.value;
  }
  return JSON.stringify(root);
}

const mutatedReport = fc.tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([seed, ms]) => mutate(seed, ms));
const artifactText = fc.oneof(
  { weight: 6, arbitrary: mutatedReport },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SEEDS), fc.nat()).map(([s, n]) => s.slice(0, n % s.length)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
);

describe('parseUntrustedReport under fuzzing', () => {
  test('the seeds are reports report mode accepts as they are', () => {
    for (const seed of SEEDS) expect(reportMode(seed)).toEqual(JSON.parse(seed));
  });

  test('property: throws nothing but a one-line InputError; what it accepts is documented, capped and renders', () => {
    let accepted = 0;
    fc.assert(
      fc.property(artifactText, (text) => {
        const report = reportMode(text);
        if (!report) return;
        accepted++;
        expect(breaches(report)).toEqual([]);
        expect(({} as Json).polluted).toBeUndefined();
      }),
      { numRuns: 200 },
    );
    // Mutations of unknown fields, long strings and dropped optionals are accepted: the property saw both sides.
    expect(accepted).toBeGreaterThan(10);
  });

  test('property: hostile fields at every level never travel on', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(fc.record({ at: fc.nat(), value: hostileValue }), { minLength: 1, maxLength: 6 }), (seed, adds) => {
        const text = mutate(seed, adds.map((a) => ({ ...a, op: 'extra' as const, times: 1 })));
        const report = reportMode(text);
        expect(report).toBeDefined();
        expect(JSON.stringify(report)).not.toMatch(/x-hostile-/);
        expect(breaches(report)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

// ---- work grows linearly with the input ---------------------------------------------------------------------

/** The JSON value behind a Proxy that counts every read the validator makes of it (keys listed count each). */
function counted<T>(value: T, reads: { n: number }): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get: (t, k, r) => (reads.n++, counted(Reflect.get(t, k, r), reads)),
    has: (t, k) => (reads.n++, Reflect.has(t, k)),
    getOwnPropertyDescriptor: (t, k) => (reads.n++, Reflect.getOwnPropertyDescriptor(t, k)),
    ownKeys: (t) => {
      const keys = Reflect.ownKeys(t);
      reads.n += keys.length;
      return keys;
    },
  }) as T;
}

/** Reads the validator makes of `json` (whether it accepts it or not). */
function work(json: unknown): number {
  const reads = { n: 0 };
  try {
    checkReport(counted(json, reads), FILE);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
  return reads.n;
}

/** Values in the JSON tree. */
function size(json: unknown): number {
  let n = 0;
  const stack = [json];
  while (stack.length) {
    const v = stack.pop();
    n++;
    if (v && typeof v === 'object') stack.push(...Object.values(v));
  }
  return n;
}

describe('the validator\'s work is linear in the input', () => {
  test('property: reads ≤ 40 per value of the input, for any mutated report', () => {
    fc.assert(
      fc.property(mutatedReport, (text) => {
        const json = JSON.parse(text);
        expect(work(json)).toBeLessThanOrEqual(40 * size(json) + 200);
      }),
      { numRuns: 60 },
    );
  });

  const base = () => JSON.parse(SEEDS[0]) as Json;
  const scaled = (n: number, grow: (j: Json, n: number) => void): number => {
    const j = base();
    grow(j, n);
    return work(j);
  };

  test.each([
    ['unknown keys in a known object', (j: Json, n: number) => { for (let i = 0; i < n; i++) j.image[`k${i}`] = i; }],
    ['deep nesting under an unknown key', (j: Json, n: number) => (j.image.layers[0].extra = deepArray(n))],
    ['deep nesting where a list of objects is expected', (j: Json, n: number) => (j.image.layers[0].topFiles = [deepArray(n)])],
    ['a long string', (j: Json, n: number) => (j.image.layers[0].instruction = 'RUN '.repeat(n))],
    ['an over-long list (refused at its length)', (j: Json, n: number) => (j.image.hints = Array(n).fill(j.image.hints[0]))],
  ])('%s: the same work at every size', (_name, grow) => {
    const [small, large] = [scaled(1_000, grow), scaled(200_000, grow)];
    expect(large).toBe(small);
  });

  test('layers: twice the layers, about twice the work', () => {
    const withLayers = (k: number) => scaled(k, (j, n) => (j.image.layers = Array.from({ length: n }, (_, i) => ({ ...j.image.layers[i % 3], index: i }))));
    const [w250, w500, w1000] = [withLayers(250), withLayers(500), withLayers(1000)];
    expect(w1000 / w500).toBeGreaterThan(1.8);
    expect(w1000 / w500).toBeLessThan(2.2);
    expect(w500 / w250).toBeLessThan(2.2);
  });
});
