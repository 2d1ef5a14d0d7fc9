import { stagesChangedBy } from '../../../src/buildx/changed-stages.js';
import type { StepOutcome } from '../../../src/buildx/steps.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { stage } from '../../helpers/stages.js';

// Two dependency stages feeding a build stage and the release target, as the image build reports them.
const graph: StageGraph = {
  file: 'Dockerfile',
  stages: [stage('native', 0, []), stage('codegen', 1, []), stage('build', 2, ['native', 'codegen']), stage('release', 3, ['build'])],
  target: 'release',
  needed: ['native', 'codegen', 'build', 'release'],
  skipped: [],
  warnings: [],
  platform: 'linux/amd64',
};
const step = (name: string, index: number, total: number, executed: boolean): StepOutcome => ({
  stage: name, index, total, keyword: 'RUN', instruction: `RUN step ${index}`, cached: !executed, executed, seconds: executed ? 2 : 0,
});
const allCached = [
  step('native', 2, 3, false), step('native', 3, 3, false), step('codegen', 2, 2, false),
  step('build', 2, 4, false), step('build', 3, 4, false), step('build', 4, 4, false), step('release', 2, 2, false),
];
const stages = ['native', 'codegen', 'build'];

describe('stages whose cache the image build changed', () => {
  test('nothing ran: no stage is exported again', () => {
    expect(stagesChangedBy(allCached, stages, graph)).toEqual(new Set());
  });

  test('a source change that re-ran the build stage: only it is exported', () => {
    const steps = allCached.map((s) => (s.stage === 'build' && s.index >= 3 ? { ...s, executed: true, cached: false } : s));
    expect(stagesChangedBy(steps, stages, graph)).toEqual(new Set(['build']));
  });

  test('a step BuildKit showed under another stage (shared): the stage whose steps are not all in sight counts as changed when anything ran', () => {
    // codegen's only step is the same operation as native's step 2, so the build names it after native.
    const steps = allCached.filter((s) => s.stage !== 'codegen').map((s) => (s.stage === 'native' && s.index === 2 ? { ...s, executed: true, cached: false } : s));
    expect(stagesChangedBy(steps, stages, graph)).toEqual(new Set(['native', 'codegen']));
    // With nothing run, a hidden step changed nothing.
    expect(stagesChangedBy(allCached.filter((s) => s.stage !== 'codegen'), stages, graph)).toEqual(new Set());
  });

  test('BuildKit labels are mapped to graph names (unnamed stages as stage-N)', () => {
    const unnamed: StageGraph = { ...graph, stages: [stage('0', 0, [], false), stage('app', 1, ['0'])], needed: ['0', 'app'], target: 'app' };
    expect(stagesChangedBy([step('stage-0', 2, 2, true), step('app', 2, 2, false)], ['0'], unnamed)).toEqual(new Set(['0']));
  });
});
