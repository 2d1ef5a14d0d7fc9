// The registry client against the test bed's real registries, with images pushed by docker.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { RegistryDeleteUnsupportedError, RegistryError } from '../../../src/registry/errors.js';
import { MEDIA_TYPES, type ImageManifest } from '../../../src/registry/media-types.js';
import { resolveImage } from '../../../src/registry/resolve.js';

/** Docker builds and pushes: jest's 5 s default is too short on a loaded runner. */
const SLOW = 180_000;

/** Tags the bed's base image as `ref`, pushes it (with a DOCKER_CONFIG when given) and returns the pushed digest. */
function pushAs(base: string, ref: string, config?: string): string {
  docker(['tag', base, ref]);
  const out = docker(config ? ['--config', config, 'push', ref] : ['push', ref]);
  docker(['rmi', ref]);
  const m = /digest: (sha256:[0-9a-f]{64})/.exec(out);
  if (!m) throw new Error(`no digest in push output: ${out}`);
  return m[1];
}

async function streamDigest(stream: NodeJS.ReadableStream): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, bytes };
}

describeWithTestbed('RegistryClient against real registries', (bed) => {
  const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });
  let repo: string;
  let digest: string;

  beforeAll(() => {
    docker(['pull', bed().baseImage]);
    repo = `${bed().registry}/layerwise-test/${uniqueName('regclient')}`;
    digest = pushAs(bed().baseImage, `${repo}:one`);
  }, SLOW);

  test('headManifest and getManifest agree with the digest docker pushed', async () => {
    const head = await client.headManifest(`${repo}:one`);
    expect(head?.digest).toBe(digest);
    expect(head?.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    const full = await client.getManifest(`${repo}:one`);
    expect(full.digest).toBe(digest);
    expect(full.raw.length).toBe(head?.size);
    expect(full.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect((await client.getManifest(`${repo}@${digest}`)).digest).toBe(digest);
  });

  test('a missing tag is null on HEAD and a 404 RegistryError on GET', async () => {
    expect(await client.headManifest(`${repo}:nope`)).toBeNull();
    await expect(client.getManifest(`${repo}:nope`)).rejects.toMatchObject({ status: 404, code: 'MANIFEST_UNKNOWN' });
  });

  test('config blob and layer blobs match the manifest and the image docker has', async () => {
    const resolved = await resolveImage(client, `${repo}:one`);
    const diffIds = JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', bed().baseImage])) as string[];
    expect(resolved.config.rootfs?.diff_ids).toEqual(diffIds);
    expect(resolved.manifest.layers.length).toBe(diffIds.length);
    for (const [i, layer] of resolved.manifest.layers.entries()) {
      const compressed = await streamDigest(await client.getBlob(repo, layer.digest));
      expect(compressed).toEqual({ digest: layer.digest, bytes: layer.size });
      expect(await client.headBlob(repo, layer.digest)).toBe(layer.size);
      const uncompressed = await streamDigest((await client.getBlob(repo, layer.digest)).pipe(createGunzip()));
      expect(uncompressed.digest).toBe(diffIds[i]);
    }
  });

  test('putManifest re-tags by digest; listTags pages through Link headers', async () => {
    const { raw, mediaType } = await client.getManifest(`${repo}@${digest}`);
    for (const tag of ['two', 'three', 'four', 'five']) expect(await client.putManifest(`${repo}:${tag}`, raw, mediaType)).toBe(digest);
    expect((await client.headManifest(`${repo}:three`))?.digest).toBe(digest);
    expect((await client.listTags(repo, 2)).sort()).toEqual(['five', 'four', 'one', 'three', 'two']);
    expect(await client.listTags(`${bed().registry}/layerwise-test/${uniqueName('never-pushed')}`)).toEqual([]);
  });

  test('uploadBlob and mountBlob copy content into another repository', async () => {
    const other = `${bed().registry}/layerwise-test/${uniqueName('regcopy')}`;
    const m = (await client.getManifest(`${repo}@${digest}`)).body as ImageManifest;
    for (const layer of m.layers) expect(await client.mountBlob(repo, other, layer.digest)).toBe(true);
    const config = await client.getBlob(repo, m.config.digest);
    await client.uploadBlob(other, m.config.digest, config, m.config.size);
    const { raw, mediaType } = await client.getManifest(`${repo}@${digest}`);
    expect(await client.putManifest(`${other}:copied`, raw, mediaType)).toBe(digest);
    expect((await resolveImage(client, `${other}:copied`)).configDigest).toBe(m.config.digest);
  });

  test('deleteManifest removes the manifest and its tags on a registry that allows it', async () => {
    const victim = `${bed().registry}/layerwise-test/${uniqueName('regdelete')}`;
    const d = pushAs(bed().baseImage, `${victim}:gone`);
    expect(await client.deleteManifest(victim, d)).toBe(true);
    expect(await client.headManifest(`${victim}:gone`)).toBeNull();
    expect(await client.deleteManifest(victim, d)).toBe(false);
  }, SLOW);

  test('a registry with deletion disabled gives a typed error and keeps the image', async () => {
    const kept = `${bed().noDeleteRegistry}/layerwise-test/${uniqueName('regnodelete')}`;
    const d = pushAs(bed().baseImage, `${kept}:stay`);
    const err = await client.deleteManifest(kept, d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryDeleteUnsupportedError);
    expect((err as RegistryError).status).toBe(405);
    expect((err as Error).message).toContain('does not allow deleting manifests');
    expect((await client.headManifest(`${kept}:stay`))?.digest).toBe(d);
  }, SLOW);

  test('an unreachable registry is a RegistryError with status 0, not a crash', async () => {
    const err = await client.headManifest('localhost:5999/nothing/here:1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(0);
    expect((err as Error).message).toMatch(/registry localhost:5999: HEAD .* cannot reach localhost:5999 \(ECONNREFUSED\)/);
  });

  describe('htpasswd registry (basic auth)', () => {
    let config: string;
    let authRepo: string;
    let authDigest: string;
    beforeAll(() => {
      config = mkdtempSync(join(tmpdir(), 'lw-dockercfg-'));
      docker(['--config', config, 'login', bed().authRegistry, '-u', 'layerwise', '--password-stdin'], { input: 'testbed' });
      authRepo = `${bed().authRegistry}/layerwise-test/${uniqueName('regauth')}`;
      authDigest = pushAs(bed().baseImage, `${authRepo}:a`, config);
    }, SLOW);
    afterAll(() => rmSync(config, { recursive: true, force: true }));

    test('credentials from the Docker config written by docker login', async () => {
      const authed = new RegistryClient({ env: { DOCKER_CONFIG: config } });
      expect((await authed.headManifest(`${authRepo}:a`))?.digest).toBe(authDigest);
      expect(await authed.listTags(authRepo)).toEqual(['a']);
      const resolved = await resolveImage(authed, `${authRepo}:a`);
      expect(resolved.manifestDigest).toBe(authDigest);
    });

    test('credentials from a credential helper (credHelpers), asked with the registry host on stdin', async () => {
      const helperDir = mkdtempSync(join(tmpdir(), 'lw-helper-'));
      try {
        const log = join(helperDir, 'asked');
        writeFileSync(
          join(helperDir, 'docker-credential-lwtest'),
          `#!/bin/sh\n[ "$1" = get ] || exit 1\ncat > ${log}\necho '{"ServerURL":"x","Username":"layerwise","Secret":"testbed"}'\n`,
          { mode: 0o755 },
        );
        writeFileSync(join(helperDir, 'config.json'), JSON.stringify({ credHelpers: { [bed().authRegistry]: 'lwtest' } }));
        const viaHelper = new RegistryClient({ env: { DOCKER_CONFIG: helperDir, PATH: `${helperDir}:${process.env.PATH}` } });
        expect((await viaHelper.headManifest(`${authRepo}:a`))?.digest).toBe(authDigest);
        expect(readFileSync(log, 'utf8')).toBe(bed().authRegistry);
      } finally {
        rmSync(helperDir, { recursive: true, force: true });
      }
    });

    test('anonymous access is refused with a one-line reason', async () => {
      const err = await client.headManifest(`${authRepo}:a`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).status).toBe(401);
      expect((err as Error).message).toContain('no credentials for localhost:5001');
    });

    test('wrong credentials are rejected and never echoed', async () => {
      const wrong = new RegistryClient({ credentials: () => ({ username: 'layerwise', password: 'hunter2-wrong' }) });
      const err = await wrong.getManifest(`${authRepo}:a`).catch((e: unknown) => e);
      expect((err as RegistryError).status).toBe(401);
      expect((err as Error).message).toContain('were rejected');
      expect((err as Error).message).not.toContain('hunter2');
      expect((err as Error).message).not.toContain(Buffer.from('layerwise:hunter2-wrong').toString('base64'));
    });
  });
});
