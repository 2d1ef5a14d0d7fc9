// BuildKit's Dockerfile checks, read from output captured on the bed (Docker 28.5, buildx 0.29) for
//   FROM … as base / RUN echo hi / FROM base as app / ENV A 1
// as rawjson progress, as the plain log and as `--call=check,format=json`.
import { readFileSync } from 'node:fs';
import {
  checkFromShort, checksFailure, checksFromCallOutput, checksFromText, dedupeChecks, describeCheck, lintViolationRules, type DockerfileCheck,
} from '../../../src/buildx/checks.js';
import { PlainProgress, RawJsonProgress } from '../../../src/buildx/progress.js';
import { assembleRecord } from '../../../src/buildx/record.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/buildkit/${name}`, import.meta.url), 'utf8');

const EXPECTED: DockerfileCheck[] = [
  { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 1, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' },
  { rule: 'FromAsCasing', message: "'as' and 'FROM' keywords' casing do not match", line: 3, url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/' },
  {
    rule: 'LegacyKeyValueFormat', message: '"ENV key=value" should be used instead of legacy "ENV key value" format', line: 4,
    url: 'https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/',
  },
];
const withoutUrl = (c: DockerfileCheck) => ({ rule: c.rule, message: c.message, line: c.line });

describe('reading the checks', () => {
  test('rawjson progress: rule, message, line and documentation page of each warning', () => {
    const p = new RawJsonProgress();
    const log = [...p.feed(fixture('check-warnings.rawjson')), ...p.end()];
    expect(p.checks).toEqual(EXPECTED);
    expect(log.filter((l) => l.startsWith('WARNING: '))).toHaveLength(3);
  });

  test('the plain log: the coloured list at its end', () => {
    const p = new PlainProgress();
    p.feed(fixture('check-warnings.plain.txt'));
    p.end();
    expect(checksFromText(p.textLines)).toEqual(EXPECTED.map(withoutUrl));
    expect(p.checks).toEqual(EXPECTED.map(withoutUrl));
  });

  test('--call=check,format=json', () => {
    expect(checksFromCallOutput(fixture('check-call.json'))).toEqual(EXPECTED);
    expect(checksFromCallOutput('{"warnings":null}')).toEqual([]);
    expect(checksFromCallOutput('{}')).toEqual([]);
    expect(checksFromCallOutput('ERROR: unknown flag: --call')).toBeUndefined();
    expect(checksFromCallOutput('{"warnings":{}}')).toBeUndefined();
  });

  test('only rule names and docs.docker.com rule pages are kept', () => {
    expect(checkFromShort('not a check at all')).toBeUndefined();
    expect(checkFromShort('lowercase: message (line 2)')).toBeUndefined();
    expect(checkFromShort('UndefinedVar: Usage of undefined variable \'$X\' (line 7)', { url: 'https://evil.example/x' })).toEqual({
      rule: 'UndefinedVar', message: "Usage of undefined variable '$X'", line: 7,
    });
    expect(checkFromShort('StageNameCasing: Stage name \'Build\' should be lowercase', { line: 0 })).toEqual({
      rule: 'StageNameCasing', message: "Stage name 'Build' should be lowercase",
    });
  });
});

describe('once each', () => {
  test('three stage builds printing the same three warnings → three checks in the record, in line order', () => {
    const graph = buildStageGraph('FROM busybox as base\nRUN echo hi\nFROM base as app\nENV A 1\n', { file: 'Dockerfile' });
    const empty = { steps: [], bases: [], imports: [], exportErrors: [], buildErrors: [] };
    const result = (stage: string) => ({
      planned: { kind: 'stage' as const, stage, candidateSources: [], output: { type: 'cacheonly' as const }, labels: {}, noCache: 'none' as const },
      cacheFrom: [], summary: empty, seconds: 1, exitCode: 0, checks: [...EXPECTED].reverse(),
    });
    const record = assembleRecord({ graph, mode: 'inline', results: [result('base'), result('app'), result('app')], resolvedSources: [], warnings: [] });
    expect(record.checks).toEqual(EXPECTED);
    expect(assembleRecord({ graph, mode: 'inline', results: [], resolvedSources: [], warnings: [] }).checks).toBeUndefined();
  });

  test('dedupeChecks keeps different lines and messages apart', () => {
    const a = { rule: 'FromAsCasing', message: 'x', line: 3 };
    expect(dedupeChecks([a, { ...a }, { ...a, line: 1 }, { ...a, message: 'y' }, { rule: 'JSONArgsRecommended', message: 'z' }])).toEqual([
      { ...a, line: 1 }, a, { ...a, message: 'y' }, { rule: 'JSONArgsRecommended', message: 'z' },
    ]);
  });
});

describe('failures', () => {
  test('# check=error=true: the rules buildx names', () => {
    expect(lintViolationRules('ERROR: failed to build: failed to solve: lint violation found for rules: FromAsCasing, LegacyKeyValueFormat')).toEqual([
      'FromAsCasing', 'LegacyKeyValueFormat',
    ]);
    expect(lintViolationRules('ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully')).toBeUndefined();
  });

  test('one line naming each rule at its file and line', () => {
    expect(checksFailure(EXPECTED, 'docker/Dockerfile', '# check=error=true')).toBe(
      "Dockerfile checks failed (# check=error=true): FromAsCasing at docker/Dockerfile:1 ('as' and 'FROM' keywords' casing do not match); " +
        "FromAsCasing at docker/Dockerfile:3 ('as' and 'FROM' keywords' casing do not match); " +
        'LegacyKeyValueFormat at docker/Dockerfile:4 ("ENV key=value" should be used instead of legacy "ENV key value" format)',
    );
    expect(checksFailure([], 'Dockerfile', '# check=error=true', ['FromAsCasing'])).toBe('Dockerfile checks failed (# check=error=true): FromAsCasing in Dockerfile');
    const many = Array.from({ length: 7 }, (_, i) => ({ rule: 'FromAsCasing', message: 'm', line: i + 1 }));
    expect(checksFailure(many, 'Dockerfile', 'checks: true')).toMatch(/FromAsCasing at Dockerfile:5 \(m\); and 2 more$/);
    expect(describeCheck({ rule: 'R1', message: 'm' })).toBe('R1 (m)');
    expect(describeCheck({ rule: 'R1', message: 'm', line: 2 })).toBe('R1 at line 2 (m)');
  });
});
