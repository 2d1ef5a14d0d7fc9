// `layerwise build` end to end through the CLI dispatcher: summary on stdout, progress on stderr, the JSON
// file the issue specifies, and exit code 1 with the failing step when the Dockerfile itself fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { CliIO } from '../../../src/cli/types.js';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { copyFixture, freshRunner, privateBase, registryTags, removeFromRegistry, type Project } from '../buildx/helpers.js';

const LONG = 600_000;

function recorder(cwd: string, env: NodeJS.ProcessEnv = process.env): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, env };
}

describeWithTestbed('layerwise build (CLI)', (bed) => {
  const name = uniqueName('e-cli');
  let project: Project;
  let base: string;
  let cacheRepo: string;
  let image: string;
  const our = () => ({ refs: [base, image], repos: [cacheRepo] });

  beforeAll(() => {
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`);
    cacheRepo = `${bed().registry}/layerwise-test/${name}-buildcache`;
    image = `${bed().registry}/layerwise-test/${name}:dev`;
  }, LONG);
  afterAll(async () => {
    if (base) await removeFromRegistry([cacheRepo, base.split(':').slice(0, -1).join(':'), image.split(':').slice(0, -1).join(':')]);
    freshRunner(our());
    project?.remove();
  }, LONG);

  test('builds, writes the JSON record, and a fresh runner then hits every step', async () => {
    const args = ['build', '--context', '.', '--cache-repo', cacheRepo, '--scope', 'br-main', '--build-arg', `BASE=${base}`, '-t', image, '--json', 'record.json'];
    freshRunner(our());
    const cold = recorder(project.dir);
    expect(await main(args, cold)).toBe(0);
    expect(cold.stdout.join('\n')).toMatch(/^layerwise build: 0\/6 Dockerfile steps cached \(0%\)/);
    expect(cold.stderr.some((l) => /^#\d+ \[deps 2\/2\] RUN mkdir/.test(l))).toBe(true); // the readable log

    freshRunner(our());
    const warm = recorder(project.dir);
    expect(await main([...args, '--push'], warm)).toBe(0);
    // --push sends the final image to its tag (the docker driver also keeps it loaded).
    expect(await registryTags(bed().registry, image.slice(bed().registry.length + 1).split(':')[0])).toEqual(['dev']);
    const json = JSON.parse(readFileSync(join(project.dir, 'record.json'), 'utf8')) as { build: Record<string, unknown> & { stages: Record<string, unknown>[] } };
    expect(json.build.cacheHitRatio).toBe(1);
    expect(json.build.stages.map((s) => [s.name, s.steps, s.cachedSteps, typeof s.seconds, s.cacheRef, s.pushed])).toEqual([
      ['deps', 1, 1, 'number', `${cacheRepo}:deps--br-main`, false],
      ['build', 3, 3, 'number', `${cacheRepo}:build--br-main`, false],
      ['2', 2, 2, 'number', `${cacheRepo}:stage-2--br-main`, false],
    ]);
    expect(warm.stdout.join('\n')).toMatch(/6\/6 Dockerfile steps cached \(100%\)/);
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim()).toBe(json.build.imageId);
  }, LONG);

  test('a failing RUN exits 1 naming the stage and step; bad flags exit 2', async () => {
    writeFileSync(join(project.dir, 'Dockerfile.broken'), `ARG BASE\nFROM \${BASE} AS deps\nRUN echo compiling && exit 3\n`);
    const io = recorder(project.dir);
    const code = await main(['build', '-f', 'Dockerfile.broken', '--build-arg', `BASE=${base}`, '--cache-repo', cacheRepo, '--scope', 'br-broken'], io);
    expect(code).toBe(1);
    expect(io.stderr.at(-1)).toMatch(/^layerwise build: build of (stage 'deps'|image \(target 'deps'\)) failed at Dockerfile\.broken:3 \[2\/2\] RUN echo compiling && exit 3: .*exit code: 3/);
    const bad = recorder(project.dir);
    expect(await main(['build', '--mode', 'fast'], bad)).toBe(2);
    expect(bad.stderr).toEqual(["layerwise build --mode: expected one of auto, inline, registry, gha, got 'fast'"]);
  }, LONG);
});
