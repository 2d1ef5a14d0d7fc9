import type { PlannedBuild } from '../../../src/buildx/plan.js';
import { assembleRecord, graphStageName, type InvocationResult } from '../../../src/buildx/record.js';
import { pickSources, resolveCacheSources } from '../../../src/buildx/sources.js';
import type { StepOutcome, VertexSummary } from '../../../src/buildx/steps.js';
import type { Stage, StageGraph } from '../../../src/dockerfile/types.js';

function stage(name: string, index: number, dependsOn: string[], instructions: [string, number][], named = true): Stage {
  return {
    name, named, index, line: instructions[0]?.[1] ?? 1, base: { kind: 'scratch' }, dependsOn, uses: [],
    instructions: instructions.map(([text, line]) => ({ keyword: text.split(' ')[0], text, line })),
  };
}
const graph: StageGraph = {
  file: 'Dockerfile',
  stages: [
    stage('deps', 0, [], [['FROM busybox AS deps', 1], ['RUN make deps', 2]]),
    stage('1', 1, ['deps'], [['FROM deps', 3], ['COPY src /src', 4], ['RUN make', 5]], false),
  ],
  target: '1',
  needed: ['deps', '1'],
  skipped: [],
  warnings: [],
  platform: 'linux/amd64',
};
const step = (stageName: string, index: number, instruction: string, cached: boolean, seconds = 0): StepOutcome => ({
  stage: stageName, index, total: 3, keyword: instruction.split(' ')[0], instruction, cached, executed: !cached, seconds,
});
const summary = (steps: StepOutcome[], over: Partial<VertexSummary> = {}): VertexSummary => ({ steps, bases: [], imports: [], exportErrors: [], buildErrors: [], ...over });
const planned = (over: Partial<PlannedBuild>): PlannedBuild => ({ kind: 'stage', stage: 'deps', candidateSources: [], output: { type: 'cacheonly' }, labels: {}, noCache: 'none', ...over });

describe('build record', () => {
  test('unnamed stages map back from stage-N; single-stage names from ""', () => {
    expect(graphStageName(graph, 'stage-1')).toBe('1');
    expect(graphStageName(graph, 'DEPS')).toBe('deps');
    expect(graphStageName(graph, '')).toBe('1');
  });

  test('a step counts in the first build that ran it; later local-cache hits do not inflate the ratio', () => {
    const results: InvocationResult[] = [
      { planned: planned({ writesCacheRef: 'r:deps--br-x' }), cacheFrom: ['r:deps--br-main@sha256:a'], seconds: 3, exitCode: 0,
        summary: summary([step('deps', 2, 'RUN make deps', true)], { imports: [{ ref: 'r:deps--br-main@sha256:a' }] }) },
      { planned: planned({ stage: '1', writesCacheRef: 'r:stage-1--br-x' }), cacheFrom: [], seconds: 4, exitCode: 1,
        summary: summary([step('deps', 2, 'RUN make deps', true), step('stage-1', 2, 'COPY src /src', false, 0.1), step('stage-1', 3, 'RUN make', false, 2.5)],
          { exportErrors: [{ vertex: 'pushing r:stage-1--br-x with docker', error: 'unauthorized: authentication required' }] }) },
      { planned: planned({ kind: 'image', stage: '1' }), cacheFrom: [], seconds: 1, exitCode: 0,
        summary: summary([step('deps', 2, 'RUN make deps', true), step('stage-1', 2, 'COPY src /src', true), step('stage-1', 3, 'RUN make', true)]),
        metadata: { 'containerimage.config.digest': 'sha256:cfg', 'containerimage.digest': 'sha256:man' } },
    ];
    const record = assembleRecord({ graph, mode: 'inline', results, warnings: [],
      resolvedSources: [{ ref: 'r:deps--br-main', status: 'imported' }, { ref: 'r:stage-1--br-main', status: 'missing' }] });
    expect(record.totalSteps).toBe(3);
    expect(record.cachedSteps).toBe(1);
    expect(record.cacheHitRatio).toBeCloseTo(1 / 3, 3);
    expect(record.seconds).toBe(8);
    expect(record.stages.map((s) => [s.name, s.steps, s.cachedSteps, s.seconds, s.pushed, s.cacheRef])).toEqual([
      ['deps', 1, 1, 0, true, 'r:deps--br-x'],
      ['1', 2, 0, 2.6, false, undefined],
    ]);
    expect(record.stages[1].stepDetails.map((s) => [s.instruction, s.line, s.cached])).toEqual([['COPY src /src', 4, false], ['RUN make', 5, false]]);
    expect(record.warnings.join('\n')).toMatch(/pushing r:stage-1--br-x with docker failed \(unauthorized: authentication required\)/);
    expect(record.imageId).toBe('sha256:cfg');
    expect(record.digest).toBe('sha256:man');
    expect(record.cacheSources).toEqual([{ ref: 'r:deps--br-main', status: 'imported' }, { ref: 'r:stage-1--br-main', status: 'missing' }]);
  });

  test('a step a later build of the run executed after an earlier one had it from cache counts as run (it was paid for)', () => {
    const results: InvocationResult[] = [
      { planned: planned({ writesCacheRef: 'r:deps--br-x' }), cacheFrom: [], seconds: 1, exitCode: 0, summary: summary([step('deps', 2, 'RUN make deps', true)]) },
      { planned: planned({ kind: 'image', stage: '1' }), cacheFrom: [], seconds: 9, exitCode: 0,
        summary: summary([step('deps', 2, 'RUN make deps', false, 7.5), step('stage-1', 2, 'COPY src /src', true), step('stage-1', 3, 'RUN make', true)]) },
    ];
    const record = assembleRecord({ graph, mode: 'registry', results, warnings: [], resolvedSources: [] });
    expect(record.stages[0].stepDetails.map((s) => [s.instruction, s.cached, s.seconds])).toEqual([['RUN make deps', false, 7.5]]);
    expect(record.cachedSteps).toBe(2);
  });
});

describe('cache source resolution', () => {
  test('existing refs pinned, missing dropped, errors become one warning per reason', async () => {
    const checker = {
      headManifest: async (ref: string) => {
        if (ref.endsWith('deps--br-main')) return { digest: 'sha256:aaa' };
        if (ref.startsWith('down:5999/')) throw new Error('registry down:5999 unreachable: connect ECONNREFUSED\nstack');
        return null;
      },
    };
    const r = await resolveCacheSources(['r:deps--br-main', 'r:build--br-main', 'down:5999/x', 'down:5999/x', 'down:5999/y/z'], checker);
    expect([...r.pinned]).toEqual([['r:deps--br-main', 'r:deps--br-main@sha256:aaa']]);
    expect(r.statuses.map((s) => s.status)).toEqual(['imported', 'missing', 'error', 'error']);
    expect(r.warnings).toEqual(['cache registry check failed, building without those caches: registry down:5999 unreachable: connect ECONNREFUSED (and 1 more ref(s) there)']);
    const many = await resolveCacheSources(['h:1/a:x', 'h:1/b:x', 'h:1/c:x'], { headManifest: async () => { throw new Error('h:1 refused'); } });
    expect(many.warnings).toEqual(['cache registry check failed, building without those caches: h:1 refused (and 2 more ref(s) there)']);
    expect(pickSources(['r:build--br-main', 'r:deps--br-main'], r.pinned, 5)).toEqual(['r:deps--br-main@sha256:aaa']);
    expect(pickSources(['r:deps--br-main'], r.pinned, 0)).toEqual([]);
  });

  test('registry mode: a stage reads its own mode=max export alone when one exists, else its dependencies\'', () => {
    const pinned = new Map([['r:build--br-main', 'r:build--br-main@sha256:b'], ['r:deps--br-main', 'r:deps--br-main@sha256:d'], ['r:deps--br-feat', 'r:deps--br-feat@sha256:f']]);
    const candidates = ['r:build--br-feat', 'r:deps--br-feat', 'r:build--br-main', 'r:deps--br-main'];
    expect(pickSources(candidates, pinned, 10, ['r:build--br-feat', 'r:build--br-main'])).toEqual(['r:build--br-main@sha256:b']);
    // A new stage: nothing of its own yet, so the stages it needs give what they can.
    expect(pickSources(candidates, pinned, 10, ['r:build--br-feat', 'r:build--br-x'])).toEqual(['r:deps--br-feat@sha256:f', 'r:build--br-main@sha256:b', 'r:deps--br-main@sha256:d']);
    expect(pickSources(candidates, pinned, 10)).toHaveLength(3);
  });
});
