import { planBuilds, type PlannedBuild } from '../../../src/buildx/plan.js';
import { buildPrerequisites, OrderedLog, runScheduled } from '../../../src/buildx/schedule.js';
import type { BuildConfig } from '../../../src/config/types.js';
import type { StageGraph } from '../../../src/dockerfile/types.js';
import { stage } from '../../helpers/stages.js';

// The bench's shape: two dependency stages (one through an unnamed helper) feeding a build stage, a runtime,
// and a test stage the release target does not need.
const graph: StageGraph = {
  file: 'Dockerfile',
  stages: [
    stage('sys', 0, []), stage('1', 1, [], false), stage('py', 2, ['1']), stage('build', 3, ['sys', 'py']),
    stage('test', 4, ['build']), stage('release', 5, ['build']),
  ],
  target: 'release',
  needed: ['sys', '1', 'py', 'build', 'release'],
  skipped: ['test'],
  warnings: [],
  platform: 'linux/amd64',
};
const build: BuildConfig = {
  dockerfile: 'Dockerfile', context: '.', buildArgs: {}, secrets: [], platforms: [], noCache: false, checks: false,
  builder: '', tags: ['localhost:5000/app:x'], push: false, labels: {}, load: true,
};
const plan = (driver = 'docker', push = false) =>
  planBuilds({
    graph, build: { ...build, push }, cacheRepo: 'localhost:5000/app-cache', mode: 'registry', driver, readOnly: false, labels: {},
    policy: { ownScope: 'br-main', readScopes: ['br-main'], writeScope: 'br-main', reason: 'branch' },
  }).builds;

describe('build prerequisites', () => {
  test('registry mode: the image build solves every stage first; the stage exports after it wait for it alone', () => {
    const builds = plan();
    expect(builds.map((b) => `${b.kind}:${b.stage}`)).toEqual(['image:release', 'stage:sys', 'stage:py', 'stage:build']);
    expect(buildPrerequisites(builds, graph)).toEqual([[], [0], [0], [0]]);
  });

  test('no-cache: independent dependency stages wait for nothing; the build stage waits for both; the image for all', () => {
    const builds = planBuilds({
      graph, build: { ...build, noCache: true }, cacheRepo: 'localhost:5000/app-cache', mode: 'registry', driver: 'docker', readOnly: false, labels: {},
      policy: { ownScope: 'br-main', readScopes: ['br-main'], writeScope: 'br-main', reason: 'branch' },
    }).builds;
    expect(builds.map((b) => `${b.kind}:${b.stage}`)).toEqual(['stage:sys', 'stage:py', 'stage:build', 'image:release']);
    expect(buildPrerequisites(builds, graph)).toEqual([[], [], [0, 1], [0, 1, 2]]);
  });

  test('inline mode: the target stage build waits for every stage it needs, the image for all', () => {
    const inline = planBuilds({
      graph, build, cacheRepo: 'localhost:5000/app-cache', mode: 'inline', driver: 'docker', readOnly: false, labels: {},
      policy: { ownScope: 'br-main', readScopes: ['br-main'], writeScope: 'br-main', reason: 'branch' },
    }).builds;
    expect(inline.map((b) => `${b.kind}:${b.stage}`)).toEqual(['stage:sys', 'stage:py', 'stage:build', 'stage:release', 'image:release']);
    expect(buildPrerequisites(inline, graph)).toEqual([[], [], [0, 1], [0, 1, 2], [0, 1, 2, 3]]);
  });

  test('a push-then-load pair on a container driver: the load waits for the push', () => {
    const builds = plan('docker-container', true);
    expect(builds.slice(0, 2).map((b) => b.output.type)).toEqual(['push', 'load']);
    expect(buildPrerequisites(builds, graph)[1]).toEqual([0]);
  });

  test('a read-only run is one image build with nothing to wait for', () => {
    const only: PlannedBuild[] = [{ ...plan()[0] }];
    expect(buildPrerequisites(only, graph)).toEqual([[]]);
  });
});

/** Tasks that finish when the test says so, recording what ran at the same time. */
function controlled(n: number) {
  const finish: ((v: string) => void)[] = [];
  const ready: (() => void)[] = [];
  const fail: ((e: Error) => void)[] = [];
  const started: number[] = [];
  let running = 0;
  let peak = 0;
  const run = (i: number, isReady: () => void) =>
    new Promise<string>((resolve, reject) => {
      ready[i] = isReady;
      started.push(i);
      running += 1;
      peak = Math.max(peak, running);
      finish[i] = (v) => { running -= 1; resolve(v); };
      fail[i] = (e) => { running -= 1; reject(e); };
    });
  return { run, finish, fail, ready, started, peak: () => peak, n };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('runScheduled', () => {
  test('starts what is ready, keeps the limit, returns results in task order', async () => {
    const t = controlled(4);
    const done = runScheduled([[], [], [0, 1], [2]], 2, t.run, () => false);
    await tick();
    expect(t.started).toEqual([0, 1]);
    t.finish[1]('b');
    await tick();
    expect(t.started).toEqual([0, 1]); // 2 needs 0 too
    t.finish[0]('a');
    await tick();
    expect(t.started).toEqual([0, 1, 2]);
    t.finish[2]('c');
    await tick();
    t.finish[3]('d');
    await expect(done).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(t.peak()).toBe(2);
  });

  test('a build that is ready (solved, its export still running) lets what needs it start', async () => {
    const t = controlled(3);
    const done = runScheduled([[], [0], [0, 1]], 4, t.run, () => false);
    await tick();
    expect(t.started).toEqual([0]);
    t.ready[0]();
    t.ready[0](); // twice is once
    await tick();
    expect(t.started).toEqual([0, 1]);
    t.finish[1]('b');
    await tick();
    expect(t.started).toEqual([0, 1, 2]);
    t.finish[2]('c');
    await tick();
    t.finish[0]('a');
    await expect(done).resolves.toEqual(['a', 'b', 'c']);
  });

  test('a limit of one runs them one after the other', async () => {
    const t = controlled(3);
    const done = runScheduled([[], [], []], 1, t.run, () => false);
    for (const i of [0, 1, 2]) {
      await tick();
      t.finish[i](String(i));
    }
    await expect(done).resolves.toEqual(['0', '1', '2']);
    expect(t.peak()).toBe(1);
  });

  test('a failed build stops new starts; the running one finishes; the rest stay undefined', async () => {
    const t = controlled(4);
    const done = runScheduled([[], [], [0], [1]], 4, t.run, (r) => r === 'failed');
    await tick();
    t.finish[0]('failed');
    await tick();
    expect(t.started).toEqual([0, 1]);
    t.finish[1]('ok');
    await expect(done).resolves.toEqual(['failed', 'ok', undefined, undefined]);
  });

  test('a thrown error is rethrown after the running tasks settle', async () => {
    const t = controlled(2);
    let settled = false;
    const done = runScheduled([[], []], 2, t.run, () => false).finally(() => (settled = true));
    await tick();
    t.fail[0](new Error('exec broke'));
    await tick();
    expect(settled).toBe(false);
    t.finish[1]('ok');
    await expect(done).rejects.toThrow('exec broke');
  });

  test('a task waiting for one that can never run is an error, not a hang', async () => {
    await expect(runScheduled([[1], [0]], 2, async () => 'x', () => false)).rejects.toThrow('never runs');
  });

  test('no tasks: nothing to do', async () => {
    await expect(runScheduled([], 4, async () => 'x', () => false)).resolves.toEqual([]);
  });
});

describe('OrderedLog', () => {
  test('one build at a time streams live', () => {
    const out: string[] = [];
    const log = new OrderedLog((l) => out.push(l));
    const a = log.open(0);
    a('a1');
    log.close(0);
    const b = log.open(1);
    b('b1');
    expect(out).toEqual(['a1', 'b1']);
  });

  test('side-by-side builds come out as whole blocks, the live one first', () => {
    const out: string[] = [];
    const log = new OrderedLog((l) => out.push(l));
    const a = log.open(0);
    const b = log.open(1);
    const c = log.open(2);
    a('a1');
    b('b1');
    c('c1');
    a('a2');
    b('b2');
    log.close(1); // ended while 0 is live: held
    expect(out).toEqual(['a1', 'a2']);
    log.close(0); // 1's block, then 2 goes live with its held lines
    expect(out).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    c('c2');
    expect(out.at(-1)).toBe('c2');
    log.close(2);
    const d = log.open(3);
    d('d1');
    expect(out.at(-1)).toBe('d1');
  });
});
