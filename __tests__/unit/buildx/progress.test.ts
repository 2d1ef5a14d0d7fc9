import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonStreamSplitter, PlainProgress, RawJsonProgress } from '../../../src/buildx/progress.js';
import { summarizeVertices } from '../../../src/buildx/steps.js';

// Real stderr captured from buildx 0.13.1 on dockerd 26 (docker driver).
const fixture = (name: string) => readFileSync(join(process.cwd(), '__tests__/fixtures/buildx/progress', name), 'utf8');

function feedInChunks<T extends { feed(c: string): string[]; end(): string[] }>(parser: T, text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.feed(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

describe('JsonStreamSplitter', () => {
  test('splits pretty-printed values back to back, cut anywhere, with braces inside strings', () => {
    const text = '{\n  "a": "x}{\\"y"\n}\n{"b":[1,{"c":2}]}ERROR: boom\n  {"d":3}\n';
    for (const size of [1, 3, 7, text.length]) {
      const s = new JsonStreamSplitter();
      const values: unknown[] = [];
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += size) {
        const r = s.feed(text.slice(i, i + size));
        values.push(...r.values);
        lines.push(...r.lines);
      }
      lines.push(...s.end());
      expect(values).toEqual([{ a: 'x}{"y' }, { b: [1, { c: 2 }] }, { d: 3 }]);
      expect(lines).toEqual(['ERROR: boom']);
    }
  });

  test('an unterminated value at the end comes back as text, not a crash', () => {
    const s = new JsonStreamSplitter();
    expect(s.feed('{"a": [1, 2').values).toEqual([]);
    expect(s.end()).toEqual(['{"a": [1, 2']);
  });
});

describe('rawjson progress', () => {
  test('real build: steps per stage, cached and executed, FROM and internal vertices apart', () => {
    const p = new RawJsonProgress();
    const log = feedInChunks(p, fixture('rawjson-build.txt'), 97);
    const s = summarizeVertices(p.vertices());
    // BuildKit announces vertices out of Dockerfile order; the record sorts them per stage.
    const byOrder = [...s.steps].sort((a, b) => a.stage.localeCompare(b.stage) * -1 || a.index - b.index);
    expect(byOrder.map((x) => [x.stage, x.index, x.keyword, x.cached, x.executed])).toEqual([
      ['deps', 2, 'RUN', true, false],
      ['build', 1, 'COPY', false, true],
      ['build', 2, 'RUN', false, true],
    ]);
    expect(s.bases.map((b) => b.instruction)).toEqual(['FROM localhost:5000/layerwise-test/busybox:1']);
    expect(s.buildErrors).toEqual([]);
    const run = s.steps.find((x) => x.index === 2 && x.stage === 'build');
    expect(run?.seconds).toBeGreaterThan(0.05);
    expect(run?.seconds).toBeLessThan(5);
    // The user's readable log mirrors plain progress.
    const runLine = log.find((l) => l.includes('[deps 2/2] RUN')) as string;
    expect(log).toContain(`${runLine.split(' ')[0]} CACHED`);
    expect(log.some((l) => /^#\d+ \[build 2\/2\] RUN cat \/deps\/f1/.test(l))).toBe(true);
    expect(log.some((l) => /^#\d+ DONE \d+\.\d+s$/.test(l))).toBe(true);
  });

  test('push denied: the push vertex carries the error, steps are fine, buildx ERROR line kept', () => {
    const p = new RawJsonProgress();
    feedInChunks(p, fixture('rawjson-push-denied.txt'), 4096);
    const s = summarizeVertices(p.vertices());
    expect(s.buildErrors).toEqual([]);
    expect(s.exportErrors).toEqual([{ vertex: 'pushing localhost:5001/e-exp/x:build--br-main with docker', error: 'unauthorized: authentication required' }]);
    expect(p.textLines).toEqual(['ERROR: unauthorized: authentication required']);
    expect(s.steps.every((x) => !x.error)).toBe(true);
  });

  test('hostile input: garbage and odd shapes are ignored, not thrown', () => {
    const p = new RawJsonProgress();
    p.feed('{"vertexes":[null,{"digest":5},{"digest":"d1","name":"[a 2/2] RUN x","error":"boom"}],"logs":[{"vertex":"d1","data":"aGk="}]}\nnot json\n[1,2]\n');
    p.end();
    const s = summarizeVertices(p.vertices());
    expect(s.buildErrors).toEqual([{ vertex: '[a 2/2] RUN x', error: 'boom' }]);
    expect(p.textLines).toEqual(['not json']);
  });
});

describe('plain progress', () => {
  test('real build: same steps as rawjson would give', () => {
    const p = new PlainProgress();
    feedInChunks(p, fixture('plain-build.txt'), 13);
    const s = summarizeVertices(p.vertices());
    const byOrder = [...s.steps].sort((a, b) => a.stage.localeCompare(b.stage) * -1 || a.index - b.index);
    expect(byOrder.map((x) => [x.stage, x.index, x.cached, x.executed, x.seconds])).toEqual([
      ['deps', 2, true, false, 0],
      ['build', 1, false, true, 0],
      ['build', 2, false, true, 0.2],
    ]);
  });

  test('errors and imports', () => {
    const p = new PlainProgress();
    p.feed('#4 importing cache manifest from r/c:deps--br-main@sha256:abc\n#4 ERROR: not found\n#5 [deps 2/3] RUN make\n#5 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2\n');
    const s = summarizeVertices(p.vertices());
    expect(s.imports).toEqual([{ ref: 'r/c:deps--br-main@sha256:abc', error: 'not found' }]);
    expect(s.buildErrors[0].error).toMatch(/exit code: 2/);
  });
});
