import { buildxArgv } from '../../../src/buildx/argv.js';
import { planBuilds, type PlanInput } from '../../../src/buildx/plan.js';
import type { CachePolicy } from '../../../src/cache/policy.js';
import type { BuildConfig } from '../../../src/config/types.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { stage } from '../../helpers/stages.js';

const graph: StageGraph = {
  file: 'Dockerfile',
  stages: [stage('deps', 0, []), stage('build', 1, ['deps']), stage('2', 2, ['build'], false)],
  target: '2',
  needed: ['deps', 'build', '2'],
  skipped: [],
  warnings: [],
  platform: 'linux/amd64',
};
const build: BuildConfig = {
  dockerfile: 'docker/Dockerfile',
  context: '.',
  buildArgs: { VERSION: '1.2' },
  secrets: ['id=npm,env=NPM_TOKEN'],
  platforms: [],
  noCache: false, checks: false,
  builder: 'remote-bk',
  tags: ['localhost:5000/app:pr'],
  push: false,
  labels: {}, load: true,
};
const writing: CachePolicy = { ownScope: 'br-feat', readScopes: ['br-feat', 'br-main'], writeScope: 'br-feat', reason: 'branch' };
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  graph,
  build,
  cacheRepo: 'localhost:5000/app-buildcache',
  mode: 'inline',
  policy: writing,
  driver: 'docker',
  readOnly: false,
  labels: { team: 'core' },
  contentKey: 'ck123',
  ...over,
});

describe('build plan', () => {
  test('inline, writing: each named stage, the final stage cache image, then the image', () => {
    const plan = planBuilds(input());
    expect(plan.builds.map((b) => [b.kind, b.stage, b.target, b.writesCacheRef, b.output.type])).toEqual([
      ['stage', 'deps', 'deps', 'localhost:5000/app-buildcache:deps--br-feat', 'cache-image'],
      ['stage', 'build', 'build', 'localhost:5000/app-buildcache:build--br-feat', 'cache-image'],
      ['stage', '2', undefined, 'localhost:5000/app-buildcache:stage-2--br-feat', 'cache-image'],
      ['image', '2', undefined, undefined, 'load'],
    ]);
    // Scope-major; inline mode also reads each scope's last complete export (`--full`).
    expect(plan.builds[1].candidateSources).toEqual([
      'localhost:5000/app-buildcache:build--br-feat',
      'localhost:5000/app-buildcache:deps--br-feat',
      'localhost:5000/app-buildcache:build--br-feat--full',
      'localhost:5000/app-buildcache:deps--br-feat--full',
      'localhost:5000/app-buildcache:build--br-main',
      'localhost:5000/app-buildcache:deps--br-main',
      'localhost:5000/app-buildcache:build--br-main--full',
      'localhost:5000/app-buildcache:deps--br-main--full',
    ]);
    expect(plan.builds.map((b) => b.completeCopyRef)).toEqual([
      'localhost:5000/app-buildcache:deps--br-feat--full',
      'localhost:5000/app-buildcache:build--br-feat--full',
      'localhost:5000/app-buildcache:stage-2--br-feat--full',
      undefined,
    ]);
    // Stage images are marked for cleanup; the final cache image also carries the content key.
    expect(plan.builds[0].labels).toEqual({ 'dev.layerwise.intermediate': 'true' });
    expect(plan.builds[2].labels).toEqual({ 'dev.layerwise.intermediate': 'true', 'dev.layerwise.content-key': 'ck123' });
    expect(plan.builds[3].labels).toEqual({ team: 'core', 'dev.layerwise.content-key': 'ck123' });
    expect(plan.builds[3].candidateSources).toEqual([]);
  });

  test('registry mode: the image build comes first (the target\'s stage build too); every stage exports a max cache after it', () => {
    const plan = planBuilds(input({ mode: 'registry' }));
    expect(plan.imageFirst).toBe(true);
    // Each build knows its own refs (read alone when one exists: pickSources); the image build reads the
    // target's (mode=max: every stage's steps) and writes them.
    expect(plan.builds.map((b) => b.ownSources?.map((r) => r.split(':')[2]))).toEqual([['stage-2--br-feat', 'stage-2--br-main'], ['deps--br-feat', 'deps--br-main'], ['build--br-feat', 'build--br-main']]);
    expect(plan.builds.every((b) => !b.completeCopyRef && !b.candidateSources.some((r) => r.endsWith('--full')))).toBe(true);
    expect(plan.builds.map((b) => [b.kind, b.stage, b.cacheTo?.ref, b.writesCacheRef, b.output.type])).toEqual([
      ['image', '2', 'localhost:5000/app-buildcache:stage-2--br-feat', 'localhost:5000/app-buildcache:stage-2--br-feat', 'load'],
      ['stage', 'deps', 'localhost:5000/app-buildcache:deps--br-feat', 'localhost:5000/app-buildcache:deps--br-feat', 'cacheonly'],
      ['stage', 'build', 'localhost:5000/app-buildcache:build--br-feat', 'localhost:5000/app-buildcache:build--br-feat', 'cacheonly'],
    ]);
    // The image build carries the final labels and content key, and every source it may need.
    expect(plan.builds[0].labels).toEqual({ team: 'core', 'dev.layerwise.content-key': 'ck123' });
    expect(plan.builds[0].candidateSources.map((r) => r.split(':')[2])).toEqual(['stage-2--br-feat', 'build--br-feat', 'deps--br-feat', 'stage-2--br-main', 'build--br-main', 'deps--br-main']);
    const opts = { build, progress: 'rawjson' as const, metadataFile: '/t/m.json', cacheFrom: ['r:stage-2--br-main@sha256:1'], driver: 'docker' };
    // A stage build after the image build only exports (runner.ts: runStageExport), reading what the image build read.
    expect(buildxArgv(plan.builds[1], opts).join(' ')).not.toMatch(/--cache-to/);
    const argv = buildxArgv(plan.builds[1], { ...opts, exportCache: true });
    expect(argv).toEqual([
      'buildx', 'build', '--builder', 'remote-bk', '--file', 'docker/Dockerfile', '--progress=rawjson', '--metadata-file', '/t/m.json',
      '--target', 'deps', '--build-arg', 'VERSION=1.2', '--secret', 'id=npm,env=NPM_TOKEN',
      '--cache-from', 'type=registry,ref=r:stage-2--br-main@sha256:1',
      '--cache-to', 'type=registry,ref=localhost:5000/app-buildcache:deps--br-feat,mode=max,ignore-error=true',
      '--provenance=false', '--output', 'type=cacheonly', '.',
    ]);
  });

  test('registry mode, nothing written: one image build, no stage builds', () => {
    const plan = planBuilds(input({ mode: 'registry', policy: { readScopes: ['br-main'], reason: 'read-only' }, readOnly: true }));
    expect(plan.builds.map((b) => [b.kind, b.stage, b.writesCacheRef, b.ownSources?.map((r) => r.split(':')[2])])).toEqual([['image', '2', undefined, ['stage-2--br-main']]]);
  });

  test('registry mode with no-cache: stage builds first, each with its no-cache filter, then the image', () => {
    const plan = planBuilds(input({ mode: 'registry', build: { ...build, noCache: true } }));
    expect(plan.imageFirst).toBeUndefined();
    expect(plan.builds.map((b) => [b.kind, b.stage, b.noCache])).toEqual([
      ['stage', 'deps', { filter: 'deps' }], ['stage', 'build', { filter: 'build' }], ['image', '2', 'all'],
    ]);
  });

  test('gha mode: Actions-cache scopes per stage, no cache repository needed, mode=max exports', () => {
    const plan = planBuilds(input({ mode: 'gha', cacheRepo: undefined, ghaKey: 'web' }));
    expect(plan.builds.map((b) => [b.kind, b.stage, b.cacheTo, b.output.type])).toEqual([
      ['image', '2', { type: 'gha', ref: 'web/stage-2/br-feat' }, 'load'],
      ['stage', 'deps', { type: 'gha', ref: 'web/deps/br-feat' }, 'cacheonly'],
      ['stage', 'build', { type: 'gha', ref: 'web/build/br-feat' }, 'cacheonly'],
    ]);
    expect(plan.builds[2].ownSources).toEqual(['web/build/br-feat', 'web/build/br-main']);
    expect(plan.builds[2].candidateSources).toEqual(['web/build/br-feat', 'web/deps/br-feat', 'web/build/br-main', 'web/deps/br-main']);
    expect(plan.builds.some((b) => b.completeCopyRef)).toBe(false);
    const argv = buildxArgv(plan.builds[1], {
      build, progress: 'rawjson', metadataFile: '/t/m.json', cacheFrom: ['web/deps/br-main'], cacheFromType: 'gha', driver: 'docker', exportCache: true,
    });
    expect(argv.join(' ')).toContain('--cache-from type=gha,scope=web/deps/br-main --cache-to type=gha,scope=web/deps/br-feat,mode=max,ignore-error=true');
  });

  test('gha mode without an image key reads and writes nothing', () => {
    expect(planBuilds(input({ mode: 'gha', cacheRepo: undefined })).builds.every((b) => !b.cacheTo && b.candidateSources.length === 0)).toBe(true);
  });

  test('nothing written (read-only, PR without pr scope): stage by stage as branch runs, nothing exported or pushed', () => {
    const readOnly = planBuilds(input({ policy: { readScopes: ['br-main'], reason: 'read-only' }, readOnly: true, build: { ...build, push: true } }));
    // Each stage imports its own refs (and its dependencies'), as a branch run's stage builds do.
    expect(readOnly.builds.map((b) => [b.kind, b.stage, b.candidateSources.map((r) => r.split(':')[2])])).toEqual([
      ['stage', 'deps', ['deps--br-main', 'deps--br-main--full']],
      ['stage', 'build', ['build--br-main', 'deps--br-main', 'build--br-main--full', 'deps--br-main--full']],
      ['stage', '2', [
        'stage-2--br-main', 'build--br-main', 'deps--br-main', 'stage-2--br-main--full', 'build--br-main--full', 'deps--br-main--full',
      ]],
      ['image', '2', []],
    ]);
    for (const b of readOnly.builds.slice(0, 3)) {
      expect(b).toMatchObject({ output: { type: 'cacheonly' }, labels: {} });
      expect(b.writesCacheRef ?? b.cacheTo ?? b.completeCopyRef).toBeUndefined();
    }
    expect(readOnly.builds[3].output).toEqual({ type: 'load', tags: ['localhost:5000/app:pr'] });
    expect(readOnly.warnings.join()).toMatch(/push skipped: read-only/);
    for (const b of readOnly.builds) {
      const argv = buildxArgv(b, { build, progress: 'plain', metadataFile: 'm', cacheFrom: [], driver: 'docker' }).join(' ');
      expect(argv).not.toMatch(/--push|--cache-to|--load .*buildcache/);
    }
  });

  test('no cache to read (no read scope, or no-cache): one build', () => {
    expect(planBuilds(input({ policy: { readScopes: [], reason: 'r' }, readOnly: true })).builds).toHaveLength(1);
    expect(planBuilds(input({ policy: { readScopes: ['br-main'], reason: 'r' }, readOnly: true, build: { ...build, noCache: true } })).builds).toHaveLength(1);
  });

  test('inline stage cache images: kept local first (pushed only when the stage changed), or pushed at once', () => {
    const deps = planBuilds(input()).builds[0];
    const opts = { build, progress: 'rawjson' as const, metadataFile: 'm', cacheFrom: [] };
    const tail = (a: string[]) => a.slice(a.indexOf('--provenance=false') + 1, -1);
    expect(tail(buildxArgv(deps, { ...opts, driver: 'docker' }))).toEqual(['--tag', 'localhost:5000/app-buildcache:deps--br-feat', '--cache-to', 'type=inline', '--load']);
    expect(tail(buildxArgv(deps, { ...opts, driver: 'remote' }))).toEqual(['--output', 'type=cacheonly']);
    expect(tail(buildxArgv(deps, { ...opts, driver: 'remote', exportCache: true }))).toEqual(['--tag', 'localhost:5000/app-buildcache:deps--br-feat', '--cache-to', 'type=inline', '--push']);
    expect(buildxArgv(deps, { ...opts, driver: 'docker' })).toContain('dev.layerwise.intermediate=true');
  });

  test('unnamed intermediate stages are reported, not built alone', () => {
    const g: StageGraph = { ...graph, stages: [stage('0', 0, [], false), stage('app', 1, ['0'])], target: 'app', needed: ['0', 'app'] };
    const plan = planBuilds(input({ graph: g }));
    expect(plan.builds.map((b) => b.stage)).toEqual(['app', 'app']);
    expect(plan.warnings[0]).toMatch(/stage 0 \(line 1\) has no name/);
  });

  test('no-cache runs each stage fresh exactly once (no-cache-filter on its own build)', () => {
    const plan = planBuilds(input({ build: { ...build, noCache: true } }));
    expect(plan.builds.map((b) => b.noCache)).toEqual([{ filter: 'deps' }, { filter: 'build' }, 'all', 'none']);
    expect(plan.builds.every((b) => b.candidateSources.length === 0)).toBe(true);
  });

  test('push: the docker driver pushes and loads in one build; other drivers need a second, cached build', () => {
    const pushing = { ...build, push: true };
    expect(planBuilds(input({ build: pushing })).builds.at(-1)?.output).toEqual({ type: 'push', tags: build.tags });
    const remote = planBuilds(input({ build: pushing, driver: 'remote' })).builds.slice(-2);
    expect(remote.map((b) => b.output.type)).toEqual(['push', 'load']);
  });

  test('caching off: one plain build', () => {
    const plan = planBuilds(input({ cacheRepo: undefined }));
    expect(plan.builds).toHaveLength(1);
    expect(plan.builds[0].candidateSources).toEqual([]);
  });
});
