import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed, docker, uniqueName } from '../helpers/testbed.js';

describeWithTestbed('test bed', (bed) => {
  test('builds with buildx, pushes to the local registry, removes locally and pulls back', async () => {
    const { registry, baseImage } = bed();
    const dir = mkdtempSync(join(tmpdir(), 'lw-bed-'));
    const ref = `${registry}/layerwise-test/${uniqueName('roundtrip')}:1`;
    try {
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${baseImage}\nRUN echo hello > /hello.txt\n`);
      docker(['buildx', 'build', '--load', '-t', ref, dir]);
      docker(['push', ref]);
      const pushedId = docker(['image', 'inspect', '--format', '{{.Id}}', ref]).trim();
      docker(['rmi', ref]);
      expect(() => docker(['image', 'inspect', ref])).toThrow(/No such image/);
      docker(['pull', ref]);
      expect(docker(['image', 'inspect', '--format', '{{.Id}}', ref]).trim()).toBe(pushedId);
      expect(docker(['run', '--rm', ref, 'cat', '/hello.txt']).trim()).toBe('hello');
      // The registry itself lists the tag: the push really went there.
      const res = await fetch(`http://${ref.split('/')[0]}/v2/${ref.split('/').slice(1).join('/').split(':')[0]}/tags/list`);
      expect(((await res.json()) as { tags: string[] }).tags).toContain('1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      spawnQuiet(['rmi', ref]);
    }
  });
});

function spawnQuiet(args: string[]): void {
  try { docker(args); } catch { /* already gone */ }
}
