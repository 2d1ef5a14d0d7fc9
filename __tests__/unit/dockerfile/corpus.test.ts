// The real-world corpus: Dockerfiles shaped like those well-known projects ship, each with the stages two or
// three targets need (written by hand from the file, and checked against BuildKit by the integration oracle).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../src/core/errors.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { corpusCases, corpusOptions, type CorpusEntry } from '../../helpers/corpus.js';

const dir = fileURLToPath(new URL('../../fixtures/dockerfiles/', import.meta.url));
const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as Record<string, CorpusEntry>;
const sorted = (xs: string[]): string[] => [...xs].sort();

test('at least 40 Dockerfiles, each with expectations for two or more targets', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.Dockerfile'));
  expect(files.length).toBeGreaterThanOrEqual(40);
  expect(sorted(Object.keys(expectations))).toEqual(sorted(files));
  for (const f of files) expect([f, expectations[f].cases.length >= 2]).toEqual([f, true]);
});

test('the corpus has a file of 50 stages or more', () => {
  const counts = Object.keys(expectations).map((f) => buildStageGraph(readFileSync(join(dir, f), 'utf8'), { file: f, ...corpusOptions(expectations[f].cases[0]) }).stages.length);
  expect(Math.max(...counts)).toBeGreaterThanOrEqual(50);
});

describe.each(Object.keys(expectations).sort())('%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  test.each(corpusCases(expectations[file]))('%s', (_label, c) => {
    if (c.error) {
      let caught: unknown;
      try {
        buildStageGraph(text, { file, ...corpusOptions(c) });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toMatch(new RegExp(c.error));
      return;
    }
    const g = buildStageGraph(text, { file, ...corpusOptions(c) });
    expect({ needed: sorted(g.needed), skipped: sorted(g.skipped) }).toEqual({ needed: sorted(c.needed), skipped: sorted(c.skipped) });
  });
});
