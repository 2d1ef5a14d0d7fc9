import { candidateCacheRefs, stageWithDependencies } from '../../../src/cache/sources.js';
import type { Stage, StageGraph } from '../../../src/dockerfile/types.js';
import { ghaScope, registryNamer } from '../../../src/cache/refs.js';

function stage(name: string, index: number, dependsOn: string[], named = true): Stage {
  return { name, named, index, line: index * 5 + 1, base: { kind: 'scratch' }, dependsOn, uses: [], instructions: [] };
}

// base ← deps ← build ; tools ; final (unnamed, index 4) ← build, tools
export const graph: StageGraph = {
  file: 'Dockerfile',
  stages: [stage('base', 0, []), stage('deps', 1, ['base']), stage('build', 2, ['deps']), stage('tools', 3, []), stage('4', 4, ['build', 'tools'], false)],
  target: '4',
  needed: ['base', 'deps', 'build', 'tools', '4'],
  skipped: [],
  warnings: [],
  platform: 'linux/amd64',
};

describe('cache sources', () => {
  test('a stage with all its dependencies, transitively, itself first', () => {
    expect(stageWithDependencies(graph, '4').map((s) => s.name)).toEqual(['4', 'build', 'tools', 'deps', 'base']);
    expect(stageWithDependencies(graph, 'deps').map((s) => s.name)).toEqual(['deps', 'base']);
  });

  test('refs are scope-major so a cap keeps the most specific scope of every stage', () => {
    expect(candidateCacheRefs(graph, 'build', registryNamer('r/c'), ['br-x', 'br-main'])).toEqual([
      'r/c:build--br-x',
      'r/c:deps--br-x',
      'r/c:base--br-x',
      'r/c:build--br-main',
      'r/c:deps--br-main',
      'r/c:base--br-main',
    ]);
  });

  test('an unnamed final stage is tagged stage-<index>', () => {
    const refs = candidateCacheRefs(graph, '4', registryNamer('r/c'), ['br-main'], (s) => s.named || s.name === '4');
    expect(refs).toEqual(['r/c:stage-4--br-main', 'r/c:build--br-main', 'r/c:tools--br-main', 'r/c:deps--br-main', 'r/c:base--br-main']);
  });

  test('gha mode names Actions-cache scopes `<image-key>/<stage>/<scope>`, cleaned like tags', () => {
    expect(candidateCacheRefs(graph, 'deps', (stage, scope) => ghaScope('Web App', stage, scope), ['br-feat/X', 'br-main'])).toEqual([
      'web-app/deps/br-feat-x',
      'web-app/base/br-feat-x',
      'web-app/deps/br-main',
      'web-app/base/br-main',
    ]);
  });
});
