// The documented schema matches what renderJson writes. ajv 6 (draft-07) is present through eslint.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { renderJson } from '../../../src/report/build.js';
import { firstRunReport, fullReport } from './fixtures.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] } };
const schema = JSON.parse(readFileSync(new URL('../../../docs/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, format: 'full' }).compile(schema);

describe('docs/report.schema.json', () => {
  test.each([
    ['with a baseline, budget and build', fullReport],
    ['first run, no build', firstRunReport],
  ])('a report %s validates', (_name, make) => {
    const json = JSON.parse(renderJson(make()));
    const ok = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema rejects what it should', () => {
    const json = JSON.parse(renderJson(fullReport()));
    json.verdict.status = 'maybe';
    json.image.layers[0].sizeBytes = -1;
    json.diff.layers[0].status = 'renamed';
    expect(validate(json)).toBe(false);
    expect((validate.errors as { dataPath: string }[]).map((e) => e.dataPath)).toEqual(
      expect.arrayContaining(['.verdict.status', '.image.layers[0].sizeBytes', '.diff.layers[0].status']),
    );
  });
});
