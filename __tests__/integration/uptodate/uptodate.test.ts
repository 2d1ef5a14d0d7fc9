// Issue 9's up-to-date proofs on the test bed: the key and the skip decision against real images built with
// buildx and pushed to the local registries, and the re-tag by digest of a skipped run's result.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { buildStageGraph } from '../../../src/dockerfile/graph.js';
import { CONTENT_KEY_LABEL, computeContentKey, decideUpToDate, externalImages, retagByDigest } from '../../../src/uptodate/index.js';

/** The Dockerfile as the pipeline hands it to the check: its path, text, and the external images it reads. */
function dockerfileInput(dir: string, target?: string) {
  const dockerfile = join(dir, 'Dockerfile');
  const text = readFileSync(dockerfile, 'utf8');
  return { dockerfile, dockerfileText: text, externalImages: externalImages(buildStageGraph(text, { file: 'Dockerfile', target })) };
}

/** Docker builds and pushes: jest's 5 s default is too short on a loaded runner. */
const SLOW = 180_000;

describeWithTestbed('up-to-date check', (bed) => {
  const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });
  let dir: string;
  let baseTag: string;
  let cacheRef: string;
  const images: string[] = [];
  const options = () => ({ client, contextDir: dir, ...dockerfileInput(dir, 'app'), target: 'app', buildArgs: { GREETING: 'hello' }, platforms: [] as string[] });

  /** Builds the fixture like a layerwise run would: final image labelled with the key, pushed as the cache ref. */
  function buildAndPush(key: string): { seconds: number } {
    const started = Date.now();
    docker(['buildx', 'build', '--quiet', '--provenance=false', '--target', 'app', '--build-arg', 'GREETING=hello', '--label', `${CONTENT_KEY_LABEL}=${key}`, '--push', '-t', cacheRef, dir]);
    images.push(cacheRef);
    return { seconds: (Date.now() - started) / 1000 };
  }

  beforeAll(() => {
    docker(['pull', bed().baseImage]);
    const name = uniqueName('uptodate');
    baseTag = `${bed().registry}/layerwise-test/${name}-base:1`;
    docker(['tag', bed().baseImage, baseTag]);
    docker(['push', baseTag]);
    docker(['rmi', baseTag]);
    cacheRef = `${bed().registry}/layerwise-test/${name}-buildcache:app--br-main`;
    dir = mkdtempSync(join(tmpdir(), 'lw-uptodate-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${baseTag} AS app\nARG GREETING\nCOPY app.txt /app.txt\nRUN echo "$GREETING" > /greeting\n`);
    writeFileSync(join(dir, '.dockerignore'), '*.log\nscratch/\n');
    writeFileSync(join(dir, 'app.txt'), 'version 1\n');
    writeFileSync(join(dir, 'debug.log'), 'noise\n');
    mkdirSync(join(dir, 'scratch'));
  }, SLOW);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const ref of images) spawnQuiet(['rmi', ref]);
  });

  test('same inputs → same key; an ignored file does not count; kept file, build arg and re-pointed base do', async () => {
    const k0 = (await computeContentKey(options())).key;
    expect(k0).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await computeContentKey(options())).key).toBe(k0);

    writeFileSync(join(dir, 'debug.log'), 'other noise\n');
    writeFileSync(join(dir, 'scratch', 'tmp.bin'), 'x');
    expect((await computeContentKey(options())).key).toBe(k0);

    writeFileSync(join(dir, 'app.txt'), 'version 2\n');
    const kFile = (await computeContentKey(options())).key;
    expect(kFile).not.toBe(k0);
    writeFileSync(join(dir, 'app.txt'), 'version 1\n');
    expect((await computeContentKey(options())).key).toBe(k0);

    expect((await computeContentKey({ ...options(), buildArgs: { GREETING: 'bye' } })).key).not.toBe(k0);

    const before = (await computeContentKey(options())).baseDigests[baseTag];
    const other = `${bed().registry}/layerwise-test/debian:bookworm`;
    await retagByDigest(client, other, [baseTag]); // the base tag now points at another image
    try {
      const moved = await computeContentKey(options());
      expect(moved.baseDigests[baseTag]).not.toBe(before);
      expect(moved.key).not.toBe(k0);
    } finally {
      await retagByDigest(client, `${baseTag.replace(/:1$/, '')}@${before}`, [baseTag]);
    }
    expect((await computeContentKey(options())).key).toBe(k0);
  }, SLOW);

  test('second run with no change skips; an ignored change skips; a kept change builds', async () => {
    const first = await decideUpToDate({ ...options(), lookupRefs: [cacheRef] });
    expect(first.hit).toBeNull(); // nothing pushed yet
    expect(first.key).toBeDefined();
    const built = buildAndPush(first.key!);

    const second = await decideUpToDate({ ...options(), lookupRefs: [`${cacheRef}-pr`, cacheRef] });
    expect(second.hit?.ref).toBe(cacheRef);
    expect(second.hit?.key).toBe(first.key);
    expect(second.hit?.digest).toBe((await client.headManifest(cacheRef))?.digest);

    writeFileSync(join(dir, 'debug.log'), 'more noise\n');
    expect((await decideUpToDate({ ...options(), lookupRefs: [cacheRef] })).hit?.ref).toBe(cacheRef);

    writeFileSync(join(dir, 'app.txt'), 'version 3\n');
    const changed = await decideUpToDate({ ...options(), lookupRefs: [cacheRef] });
    expect(changed.hit).toBeNull();
    expect(changed.key).not.toBe(first.key);
    writeFileSync(join(dir, 'app.txt'), 'version 1\n');

    // Benchmark figure: the skip decision next to a fully cached build of the same fixture.
    const cached = buildAndPush(first.key!);
    const skip = await decideUpToDate({ ...options(), lookupRefs: [cacheRef] });
    expect(skip.hit).not.toBeNull();
    console.log(`up-to-date: first build ${built.seconds.toFixed(2)} s, fully cached build+push ${cached.seconds.toFixed(2)} s, skip decision ${skip.seconds.toFixed(3)} s`);
  }, SLOW);

  test('an unreachable base registry is a warning and no key, never a skip', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'lw-uptodate-broken-'));
    try {
      writeFileSync(join(broken, 'Dockerfile'), 'FROM localhost:5999/nothing/here:1\n');
      const d = await decideUpToDate({ client, contextDir: broken, ...dockerfileInput(broken), buildArgs: {}, platforms: [], lookupRefs: [cacheRef] });
      expect(d.key).toBeUndefined();
      expect(d.hit).toBeNull();
      expect(d.warnings).toEqual([expect.stringMatching(/^up-to-date check off: base image localhost:5999\/nothing\/here:1 could not be resolved \(.*ECONNREFUSED/)]);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  test('re-tag by digest into another repository and another (authenticated) registry; docker pulls it', async () => {
    const d = await decideUpToDate({ ...options(), lookupRefs: [cacheRef] });
    expect(d.hit).not.toBeNull();
    const sameRegistry = `${bed().registry}/layerwise-test/${uniqueName('retag')}:v1`;
    const authRegistry = `${bed().authRegistry}/layerwise-test/${uniqueName('retag')}:v1`;
    const authed = new RegistryClient({ credentials: (r) => (r === bed().authRegistry ? { username: 'layerwise', password: 'testbed' } : undefined) });
    const results = await retagByDigest(authed, `${cacheRef.replace(/:[^:/]+$/, '')}@${d.hit!.digest}`, [sameRegistry, authRegistry]);
    expect(results.map((r) => r.digest)).toEqual([d.hit!.digest, d.hit!.digest]);
    expect(results[0].blobsMounted + results[0].blobsPresent).toBeGreaterThan(0);
    expect(results[0].blobsCopied).toBe(0);
    expect(results[1].blobsCopied).toBeGreaterThan(0);
    expect((await client.headManifest(sameRegistry))?.digest).toBe(d.hit!.digest);
    expect((await authed.headManifest(authRegistry))?.digest).toBe(d.hit!.digest);
    docker(['pull', sameRegistry]);
    images.push(sameRegistry);
    expect(docker(['run', '--rm', sameRegistry, 'cat', '/app.txt'])).toBe('version 1\n');
  }, SLOW);
});

function spawnQuiet(args: string[]): void {
  try {
    docker(args);
  } catch {
    // already gone
  }
}
