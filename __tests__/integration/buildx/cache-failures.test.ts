// Cache problems never fail a build: a cache registry that is down (a closed port) and one that refuses
// the push (htpasswd registry, wrong password in a temporary DOCKER_CONFIG) give a built image, warnings,
// and the reason in the record.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { branchContext, build, copyFixture, describeRecord, freshRunner, makeConfig, privateBase, removeFromRegistry, type Project } from './helpers.js';

const LONG = 600_000;

describeWithTestbed('cache failures degrade to warnings (inline, default engine)', (bed) => {
  const name = uniqueName('e-failures');
  let project: Project;
  let base: string;
  let image: string;
  let dockerConfig: string;
  const figures: string[] = [];

  beforeAll(() => {
    project = copyFixture();
    base = privateBase(bed(), `${name}-base`);
    image = `${bed().registry}/layerwise-test/${name}:ci`;
    // A Docker config whose only credential is a wrong password for the auth registry.
    dockerConfig = mkdtempSync(join(tmpdir(), 'lw-dockercfg-'));
    const auth = Buffer.from('layerwise:not-the-password').toString('base64');
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [bed().authRegistry]: { auth } } }));
  }, LONG);
  afterAll(async () => {
    if (base) await removeFromRegistry([base.split(':').slice(0, -1).join(':')]);
    freshRunner({ refs: [base, image], repos: [`localhost:5999/layerwise-test/${name}-buildcache`, `${bed().authRegistry}/layerwise-test/${name}-buildcache`] });
    project?.remove();
    rmSync(dockerConfig, { recursive: true, force: true });
    console.log(figures.join('\n'));
  }, LONG);

  test('registry down: built and loaded, every cache check and push a warning with the reason', async () => {
    const cacheRepo = `localhost:5999/layerwise-test/${name}-buildcache`;
    freshRunner({ refs: [base, image], repos: [cacheRepo] });
    const r = await build({ dir: project.dir, config: makeConfig({ dir: project.dir, cacheRepo, mode: 'inline', base, tags: [image] }), ctx: branchContext('main') });
    figures.push(describeRecord('inline, registry down', r));
    expect(r.totalSteps).toBe(6);
    expect(r.cacheSources.length).toBe(6); // each stage's ref and its --full copy
    expect(r.cacheSources.every((s) => s.status === 'error' && /localhost:5999/.test(s.detail ?? ''))).toBe(true);
    expect(r.stages.map((s) => [s.name, s.cacheWrite, s.pushed, s.cacheRef])).toEqual([
      ['deps', 'failed', false, undefined],
      ['build', 'failed', false, undefined],
      ['2', 'failed', false, undefined],
    ]);
    expect(r.warnings.some((w) => /cache registry check failed, building without those caches: .*localhost:5999/.test(w))).toBe(true);
    expect(r.warnings.filter((w) => /pushing localhost:5999\/.* failed \(.*(refused|connect)/i.test(w))).toHaveLength(3);
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim()).toBe(r.imageId);
  }, LONG);

  test('push denied (wrong password): built and loaded, the denial is a warning; the registry got nothing', async () => {
    const cacheRepo = `${bed().authRegistry}/layerwise-test/${name}-buildcache`;
    freshRunner({ refs: [base, image], repos: [cacheRepo] });
    const r = await build({
      dir: project.dir,
      config: makeConfig({ dir: project.dir, cacheRepo, mode: 'inline', base, tags: [image] }),
      ctx: branchContext('main'),
      env: { DOCKER_CONFIG: dockerConfig },
    });
    figures.push(describeRecord('inline, push denied', r));
    expect(r.totalSteps).toBe(6);
    expect(r.cacheSources.every((s) => s.status === 'error' && /401|unauthori[sz]ed|denied/i.test(s.detail ?? ''))).toBe(true);
    expect(r.stages.every((s) => s.cacheWrite === 'failed' && !s.pushed)).toBe(true);
    expect(r.warnings.filter((w) => /pushing localhost:5001\/.* failed \(.*(unauthorized|authentication required|denied)/i.test(w))).toHaveLength(3);
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', image]).trim()).toBe(r.imageId);
    // With the right password the registry lists no tag in that repository: nothing got through.
    const res = await fetch(`http://${bed().authRegistry}/v2/layerwise-test/${name}-buildcache/tags/list`, {
      headers: { authorization: `Basic ${Buffer.from('layerwise:testbed').toString('base64')}` },
    });
    expect(res.status).toBe(404);
  }, LONG);
});
