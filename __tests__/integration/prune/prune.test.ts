// Issue 9's prune proofs on the test bed: closed-PR and deleted-branch scopes vanish from a registry that allows
// deletion (404 afterwards), others stay; a registry with deletion disabled gets a clear message and keeps all;
// live refs come from a GitHub-shaped local API with paginated answers; local cleanup removes only labelled images.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { pruneCommand } from '../../../src/cli/prune.js';
import type { CliIO } from '../../../src/cli/types.js';
import { removeIntermediateImages } from '../../../src/prune/local.js';
import { runPrune } from '../../../src/prune/run.js';
import { RegistryClient } from '../../../src/registry/client.js';
import type { ImageManifest } from '../../../src/registry/media-types.js';

const BUILDS_TIMEOUT = 180_000;

function recorder(env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd: process.cwd(), env: { DOCKER_CONFIG: '/nonexistent', ...env } };
}

describeWithTestbed('prune', (bed) => {
  const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });
  let ctx: string;
  const localTags: string[] = [];

  /** Builds a distinct image (a random blob of `kb` kB over the bed's base) and pushes it under each ref. */
  function pushImage(kb: number, refs: string[]): void {
    const tagArgs = refs.flatMap((r) => ['-t', r]);
    docker(['buildx', 'build', '--quiet', '--provenance=false', '--build-arg', `KB=${kb}`, '--build-arg', `NONCE=${uniqueName('n')}`, '--push', ...tagArgs, ctx]);
    localTags.push(...refs);
  }

  beforeAll(() => {
    docker(['pull', bed().baseImage]);
    ctx = mkdtempSync(join(tmpdir(), 'lw-prune-'));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${bed().baseImage}\nARG KB\nARG NONCE\nRUN head -c $((KB * 1024)) /dev/urandom > /blob && echo $NONCE > /nonce\n`);
  });
  afterAll(() => {
    rmSync(ctx, { recursive: true, force: true });
    for (const t of localTags) {
      try {
        docker(['rmi', t]);
      } catch {
        // removed already
      }
    }
  });

  test('dry run lists closed-PR and deleted-branch tags with the bytes they free; --delete removes exactly those', async () => {
    const repo = `${bed().registry}/layerwise-test/${uniqueName('prune')}-buildcache`;
    pushImage(300, [`${repo}:build--pr-1`]);
    pushImage(200, [`${repo}:app--pr-1`]);
    pushImage(100, [`${repo}:build--pr-2`, `${repo}:latest`]);
    pushImage(50, [`${repo}:build--br-main`, `${repo}:build--br-gone`]);
    pushImage(40, [`${repo}:build--br-old-feature`]);

    const blobsOf = async (tag: string) => {
      const m = (await client.getManifest(`${repo}:${tag}`)).body as ImageManifest;
      return [m.config, ...m.layers];
    };
    const kept = new Set((await Promise.all(['build--pr-2', 'build--br-main'].map(blobsOf))).flat().map((b) => b.digest));
    const freed = new Map<string, number>();
    for (const tag of ['build--pr-1', 'app--pr-1', 'build--br-old-feature']) for (const b of await blobsOf(tag)) if (!kept.has(b.digest)) freed.set(b.digest, b.size);
    const expectedBytes = [...freed.values()].reduce((a, b) => a + b, 0);
    expect(expectedBytes).toBeGreaterThan(3 * 40 * 1024); // the random blobs do not compress

    const flags = ['--cache-repo', repo, '--open-prs', '2,7', '--branches', 'main,feature/x', '--json'];
    const dry = recorder();
    expect(await pruneCommand(flags, dry)).toBe(0);
    const plan = JSON.parse(dry.stdout.join('\n'));
    expect(plan.dryRun).toBe(true);
    expect(plan.tagsSeen).toBe(7);
    expect(plan.plan.remove.flatMap((g: { tags: { tag: string }[] }) => g.tags.map((t) => t.tag)).sort()).toEqual(['app--pr-1', 'build--br-old-feature', 'build--pr-1']);
    expect(plan.plan.bytesFreed).toBe(expectedBytes);
    expect(plan.plan.keep.find((k: { tag: string }) => k.tag === 'build--br-gone').reason).toBe('branch gone no longer exists, but its manifest is shared with kept tag build--br-main');
    expect((await client.headManifest(`${repo}:build--pr-1`))).not.toBeNull();

    const text = recorder();
    expect(await pruneCommand(flags.filter((f) => f !== '--json'), text)).toBe(0);
    expect(text.stdout.at(-1)).toMatch(/^dry run: 3 of 7 tags in .* would go, freeing [\d.]+ kB of blobs no kept tag uses; run with --delete to delete$/);
    expect(text.stdout).toContainEqual(expect.stringMatching(/^would delete {2}build--pr-1 +sha256:[0-9a-f]{12} {2}PR #1 is closed$/));

    const real = recorder();
    expect(await pruneCommand([...flags.filter((f) => f !== '--json'), '--delete'], real)).toBe(0);
    expect(real.stdout.at(-1)).toMatch(/^deleted 3 of 7 tags/);
    for (const gone of ['build--pr-1', 'app--pr-1', 'build--br-old-feature']) expect(await client.headManifest(`${repo}:${gone}`)).toBeNull();
    for (const stays of ['build--pr-2', 'latest', 'build--br-main', 'build--br-gone']) expect(await client.headManifest(`${repo}:${stays}`)).not.toBeNull();
    expect((await client.listTags(repo)).sort()).toEqual(['build--br-gone', 'build--br-main', 'build--pr-2', 'latest']);
  }, BUILDS_TIMEOUT);

  test('a registry with deletion disabled: a clear message, exit 1, nothing lost', async () => {
    const repo = `${bed().noDeleteRegistry}/layerwise-test/${uniqueName('prune-nodelete')}-buildcache`;
    pushImage(10, [`${repo}:build--pr-1`]);
    pushImage(11, [`${repo}:build--br-main`]);
    const io = recorder();
    expect(await pruneCommand(['--cache-repo', repo, '--open-prs', 'none', '--branches', 'main', '--delete'], io)).toBe(1);
    expect(io.stdout.at(-1)).toMatch(/^nothing deleted: registry localhost:5002 does not allow deleting manifests \(405 UNSUPPORTED on .*\); enable deletion on the registry/);
    expect((await client.listTags(repo)).sort()).toEqual(['build--br-main', 'build--pr-1']);
    expect(await client.headManifest(`${repo}:build--pr-1`)).not.toBeNull();
  }, BUILDS_TIMEOUT);

  test('--github-repo reads open PRs and branches across pages of a GitHub-shaped API', async () => {
    const repo = `${bed().registry}/layerwise-test/${uniqueName('prune-gh')}-buildcache`;
    pushImage(5, [`${repo}:build--pr-3`]);
    pushImage(6, [`${repo}:build--pr-150`]);
    pushImage(7, [`${repo}:build--br-release-1.x`]);
    pushImage(8, [`${repo}:build--br-deleted`]);
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(`${url.pathname}?${url.searchParams.toString()} ${req.headers.authorization}`);
      const page = Number(url.searchParams.get('page') ?? '1');
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${url.pathname}`;
      const link = page === 1 ? { link: `<${base}?state=open&per_page=100&page=2>; rel="next", <${base}?page=2>; rel="last"` } : {};
      let body: unknown[] = [];
      if (url.pathname === '/repos/acme/app/pulls') body = page === 1 ? [{ number: 150 }, { number: 9 }] : [{ number: 4 }];
      if (url.pathname === '/repos/acme/app/branches') body = page === 1 ? [{ name: 'main' }] : [{ name: 'release/1.x' }];
      res.writeHead(200, { 'content-type': 'application/json', ...link }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const io = recorder({ GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      expect(await pruneCommand(['--cache-repo', repo, '--github-repo', 'acme/app', '--json'], io)).toBe(0);
      const r = JSON.parse(io.stdout.join('\n'));
      expect(r.plan.remove.flatMap((g: { tags: { tag: string }[] }) => g.tags.map((t) => t.tag)).sort()).toEqual(['build--br-deleted', 'build--pr-3']);
      expect(seen.filter((s) => s.includes('page=2')).length).toBe(2);
      expect(seen.every((s) => s.endsWith('token ghs_test'))).toBe(true);
      expect(seen[0]).toContain('per_page=100');
    } finally {
      server.close();
    }
  }, BUILDS_TIMEOUT);

  test('--help prints the usage; prune refuses an image repository as the cache repository', async () => {
    const io = recorder();
    expect(await pruneCommand(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^usage: layerwise prune --cache-repo REPO/);
    await expect(
      runPrune({ client, cacheRepo: `${bed().registry}/acme/app`, imageRepos: [`${bed().registry}/acme/app:v1`], live: {}, dryRun: true }),
    ).rejects.toThrow(`prune: the cache repository ${bed().registry}/acme/app is also an image repository (${bed().registry}/acme/app:v1)`);
  });

  test('bad flags are one-line input errors naming the flag', async () => {
    await expect(pruneCommand(['--cache-repo', 'localhost:5000/x', '--retention', '3 weeks'], recorder())).rejects.toThrow(
      "layerwise prune --retention: expected a duration like 30d, 12h, 2w or 90m (or 0/off), got '3 weeks'",
    );
    await expect(pruneCommand(['--cache-repo', 'localhost:5000/x', '--open-prs', '1,x'], recorder())).rejects.toThrow("layerwise prune --open-prs: expected PR numbers separated by commas (or \"none\"), got 'x'");
    await expect(pruneCommand([], recorder())).rejects.toThrow('layerwise prune: --cache-repo is required');
  });

  test('local cleanup removes exactly the images labelled intermediate', async () => {
    const run = uniqueName('run');
    const name = `layerwise-test/${uniqueName('local')}`;
    const build = (tag: string, labels: string[]) =>
      docker(['buildx', 'build', '--quiet', '--load', '--build-arg', 'KB=1', '--build-arg', `NONCE=${tag}`, ...labels.flatMap((l) => ['--label', l]), '-t', `${name}:${tag}`, ctx]);
    build('intermediate', ['dev.layerwise.intermediate=true', `dev.layerwise.test-run=${run}`]);
    build('intermediate-two-tags', ['dev.layerwise.intermediate=true', `dev.layerwise.test-run=${run}`]);
    docker(['tag', `${name}:intermediate-two-tags`, `${name}:second-name`]);
    build('user', [`dev.layerwise.test-run=${run}`]);
    build('not-intermediate', ['dev.layerwise.intermediate=false', `dev.layerwise.test-run=${run}`]);
    localTags.push(`${name}:user`, `${name}:not-intermediate`);

    const onlyThisRun = [`dev.layerwise.test-run=${run}`];
    const dry = await removeIntermediateImages({ dryRun: true, alsoLabels: onlyThisRun });
    expect(dry.removed.flatMap((r) => r.tags).sort()).toEqual([`${name}:intermediate`, `${name}:intermediate-two-tags`, `${name}:second-name`]);
    expect(docker(['image', 'ls', '-q', `${name}:intermediate`]).trim()).not.toBe('');

    const done = await removeIntermediateImages({ alsoLabels: onlyThisRun });
    expect(done.warnings).toEqual([]);
    expect(done.removed.length).toBe(2);
    const left = docker(['image', 'ls', '--format', '{{.Tag}}', name]).trim().split('\n').sort();
    expect(left).toEqual(['not-intermediate', 'user']);
  }, BUILDS_TIMEOUT);
});
