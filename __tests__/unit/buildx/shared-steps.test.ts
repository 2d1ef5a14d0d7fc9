// Two builds at once on one builder: BuildKit reports a step both need only to the build that solves it. The
// other build's record must not count those steps as cache misses (captured streams, see the fixtures' README).
import { readFileSync } from 'node:fs';
import { RawJsonProgress } from '../../../src/buildx/progress.js';
import { assembleRecord, type InvocationResult } from '../../../src/buildx/record.js';
import { summarizeVertices } from '../../../src/buildx/steps.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/buildkit/concurrent/${name}`, import.meta.url), 'utf8');
const graph = buildStageGraph(fixture('Dockerfile'), { file: 'Dockerfile' });

function imageBuild(stream: string, exitCode = 0): InvocationResult {
  const progress = new RawJsonProgress();
  progress.feed(stream);
  progress.end();
  return {
    planned: { kind: 'image', stage: graph.target, candidateSources: [], output: { type: 'cacheonly' }, labels: {}, noCache: 'none' },
    cacheFrom: [], summary: summarizeVertices(progress.vertices()), seconds: 1, exitCode,
  };
}
const record = (results: InvocationResult[]) => assembleRecord({ graph, mode: 'registry', results, resolvedSources: [], warnings: [] });

describe('steps another build on the same builder solved', () => {
  test('the build that solved them: every step cached, nothing said', () => {
    const r = record([imageBuild(fixture('first.rawjson'))]);
    expect([r.totalSteps, r.cachedSteps]).toEqual([10, 10]);
    expect(r.warnings).toEqual([]);
  });

  test('the build beside it: the nine steps it only saw named are left out of the ratio, not counted as misses', () => {
    const r = record([imageBuild(fixture('second.rawjson'))]);
    expect([r.totalSteps, r.cachedSteps, r.cacheHitRatio]).toEqual([1, 1, 1]);
    expect(r.stages.map((s) => [s.name, s.steps])).toEqual([['base', 0], ['deps', 0], ['tools', 0], ['build', 0], ['5', 1]]);
    expect(r.warnings).toEqual([
      '9 step(s) were solved by another build on the same builder at the same time (BuildKit reports a shared step only to that build): left out of the cache hit ratio',
    ]);
  });

  test('a later pass that finds them in the local cache does not count them as hits; one that runs them does count', () => {
    const second = imageBuild(fixture('second.rawjson'));
    const localHits: InvocationResult = { ...imageBuild(fixture('first.rawjson')), planned: { ...second.planned, output: { type: 'cacheonly' } } };
    expect([record([second, localHits]).totalSteps, record([second, localHits]).cachedSteps]).toEqual([1, 1]);
    const ran = { ...second, summary: { ...second.summary, steps: second.summary.steps.map((s) => (s.stage === 'tools' ? { ...s, executed: true, seconds: 1 } : s)) } };
    const r = record([second, ran]);
    expect(r.stages.find((s) => s.name === 'tools')?.stepDetails.map((s) => s.cached)).toEqual([false]);
    expect(r.warnings[0]).toMatch(/^8 step\(s\)/);
  });

  test('a failed build: steps it never reached stay misses (they were canceled, not solved elsewhere)', () => {
    const r = record([imageBuild(fixture('second.rawjson'), 1)]);
    expect([r.totalSteps, r.cachedSteps]).toEqual([10, 1]);
    expect(r.warnings).toEqual([]);
  });
});
