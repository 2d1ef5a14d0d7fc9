// ghcr.io deletion through the GitHub Packages API, against Prism validating every request and response with
// GitHub's own OpenAPI description, in front of a small fake of the package-version endpoints.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trimmedGitHubSpec } from '../../helpers/github-api.js';
import { createOctokit } from '../../../src/github/octokit.js';
import { executePrune } from '../../../src/prune/execute.js';
import { ghcrDeleter } from '../../../src/prune/ghcr.js';
import type { PrunePlan } from '../../../src/prune/plan.js';
import { RegistryClient } from '../../../src/registry/client.js';

const require = createRequire(import.meta.url);
const D = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const PATHS = [
  '/orgs/{org}/packages/{package_type}/{package_name}/versions',
  '/orgs/{org}/packages/{package_type}/{package_name}/versions/{package_version_id}',
  '/users/{username}/packages/{package_type}/{package_name}/versions',
  '/users/{username}/packages/{package_type}/{package_name}/versions/{package_version_id}',
];

interface Pkg {
  kind: 'orgs' | 'users';
  owner: string;
  name: string;
  versions: { id: number; digest: string; tags: string[] }[];
  forbidden?: boolean;
}

function plan(digests: number[]): PrunePlan {
  return { remove: digests.map((n) => ({ digest: D(n), tags: [{ tag: `t${n}--pr-${n}`, digest: D(n), reason: 'PR closed' }], bytes: 0 })), keep: [], bytesFreed: 0 };
}

describe('ghcr.io prune through the GitHub Packages API (Prism-validated)', () => {
  let fake: Server;
  let prism: ChildProcess;
  let prismUrl = '';
  let prismOut = '';
  let dir: string;
  const log: string[] = [];
  const packages: Pkg[] = [];

  beforeAll(async () => {
    fake = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${url.search}`);
      const m = /^\/(orgs|users)\/([^/]+)\/packages\/container\/([^/]+)\/versions(?:\/(\d+))?$/.exec(url.pathname);
      const pkg = m && packages.find((p) => p.kind === m[1] && p.owner === m[2] && p.name === decodeURIComponent(m[3]));
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (!m || !pkg) return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      if (req.method === 'DELETE') {
        if (pkg.forbidden) return json(403, { message: 'You must have admin permissions to delete this package version', documentation_url: 'https://docs.github.com/rest' });
        const i = pkg.versions.findIndex((v) => v.id === Number(m[4]));
        if (i < 0) return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        pkg.versions.splice(i, 1);
        return void res.writeHead(204).end();
      }
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = 2; // small pages so pagination is exercised
      const slice = pkg.versions.slice((page - 1) * size, page * size);
      const more = page * size < pkg.versions.length;
      const next = `${prismUrl}${url.pathname}?per_page=${url.searchParams.get('per_page')}&page=${page + 1}`;
      json(
        200,
        slice.map((v) => ({
          id: v.id,
          name: v.digest,
          url: `https://api.github.com/${m[1]}/${pkg.owner}/packages/container/${m[3]}/versions/${v.id}`,
          package_html_url: `https://github.com/${pkg.owner}/packages/container/package/${m[3]}`,
          created_at: '2026-11-01T00:00:00Z',
          updated_at: '2026-11-01T00:00:00Z',
          metadata: { package_type: 'container', container: { tags: v.tags } },
        })),
        more ? { link: `<${next}>; rel="next"` } : {},
      );
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    dir = mkdtempSync(join(tmpdir(), 'lw-ghcr-prism-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(trimmedGitHubSpec(PATHS)));
    const port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    prismUrl = `http://127.0.0.1:${port}`;
    const fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    prism = spawn(process.execPath, [require.resolve('@stoplight/prism-cli/dist/index.js'), 'proxy', join(dir, 'spec.json'), fakeUrl, '--errors', '-h', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prism.stdout!.on('data', (d) => (prismOut += d));
    prism.stderr!.on('data', (d) => (prismOut += d));
    const deadline = Date.now() + 60_000;
    while (!/Prism is listening/.test(prismOut)) {
      if (Date.now() > deadline || prism.exitCode !== null) throw new Error(`Prism did not start:\n${prismOut.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    prism?.kill('SIGTERM');
    await new Promise((r) => fake?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    log.length = 0;
    packages.length = 0;
  });

  const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });

  test('an organisation package: versions listed across pages, only the planned digests deleted by id', async () => {
    packages.push({ kind: 'orgs', owner: 'acme', name: 'app-buildcache', versions: [1, 2, 3, 4, 5].map((n) => ({ id: 100 + n, digest: D(n), tags: [`t${n}--pr-${n}`] })) });
    const octokit = createOctokit('ghs_test', prismUrl);
    const outcome = await executePrune(client, 'ghcr.io/acme/app-buildcache', plan([2, 5, 9]), ghcrDeleter(octokit, 'ghcr.io/acme/app-buildcache'));
    expect(outcome.unsupported).toBeUndefined();
    expect(outcome.deleted.map((d) => d.digest)).toEqual([D(2), D(5)]);
    expect(outcome.warnings).toEqual(['t9--pr-9 (sha256:000000000000) was already gone']);
    expect(packages[0].versions.map((v) => v.id)).toEqual([101, 103, 104]);
    expect(log.filter((l) => l.startsWith('GET')).length).toBe(3); // 5 versions, 2 a page
    expect(log.filter((l) => l.startsWith('DELETE'))).toEqual(['DELETE /orgs/acme/packages/container/app-buildcache/versions/102', 'DELETE /orgs/acme/packages/container/app-buildcache/versions/105']);
    expect(prismOut).not.toMatch(/violation|\[ERROR\]/i);
  }, 30_000);

  test("a user's nested package: falls back from the org endpoint, encodes the package name", async () => {
    packages.push({ kind: 'users', owner: 'octocat', name: 'team/cache', versions: [{ id: 7, digest: D(7), tags: ['a--pr-1'] }] });
    const outcome = await executePrune(client, 'ghcr.io/octocat/team/cache', plan([7]), ghcrDeleter(createOctokit('t', prismUrl), 'ghcr.io/octocat/team/cache'));
    expect(outcome.deleted.length).toBe(1);
    expect(packages[0].versions).toEqual([]);
    expect(log).toContain('DELETE /users/octocat/packages/container/team%2Fcache/versions/7');
  }, 30_000);

  test('a 403 stops the run at the first version with a clear message; nothing is deleted', async () => {
    packages.push({ kind: 'orgs', owner: 'acme', name: 'locked', forbidden: true, versions: [1, 2].map((n) => ({ id: n, digest: D(n), tags: [] })) });
    const outcome = await executePrune(client, 'ghcr.io/acme/locked', plan([1, 2]), ghcrDeleter(createOctokit('t', prismUrl), 'ghcr.io/acme/locked'));
    expect(outcome.deleted).toEqual([]);
    expect(outcome.unsupported).toMatch(/^registry ghcr.io does not allow deleting manifests \(403 FORBIDDEN on acme\/locked\); GitHub refused \(You must have admin permissions.*\); the token needs packages: write/);
    expect(packages[0].versions.length).toBe(2);
    expect(log.filter((l) => l.startsWith('DELETE')).length).toBe(1);
  }, 30_000);
});
