// The Bearer token flow and blob redirects, through a real local HTTP front (token service + auth check +
// redirect to a second "CDN" origin) in front of the test bed's open registry.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWithTestbed, docker, uniqueName } from '../../helpers/testbed.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { RegistryError } from '../../../src/registry/errors.js';
import { resolveImage } from '../../../src/registry/resolve.js';

/** Docker builds and pushes: jest's 5 s default is too short on a loaded runner. */
const SLOW = 180_000;

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const port = (s: Server) => (s.address() as AddressInfo).port;

async function proxy(upstream: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const r = await fetch(`http://${upstream}${req.url}`, { method: req.method, headers: { accept: String(req.headers.accept ?? '*/*') } });
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (k !== 'content-encoding' && k !== 'transfer-encoding') headers[k] = v;
  });
  res.writeHead(r.status, headers);
  res.end(Buffer.from(await r.arrayBuffer()));
}

describeWithTestbed('Bearer token flow and cross-origin blob redirects', (bed) => {
  let front: Server;
  let cdn: Server;
  const tokenRequests: { scope: string | null; service: string | null; basic: string | undefined }[] = [];
  const cdnAuthHeaders: (string | undefined)[] = [];
  let repository: string;

  beforeAll(async () => {
    repository = `layerwise-test/${uniqueName('bearer')}`;
    docker(['pull', bed().baseImage]);
    docker(['tag', bed().baseImage, `${bed().registry}/${repository}:t`]);
    docker(['push', `${bed().registry}/${repository}:t`]);
    docker(['rmi', `${bed().registry}/${repository}:t`]);
    cdn = await listen((req, res) => {
      cdnAuthHeaders.push(req.headers.authorization);
      void proxy(bed().registry, req, res);
    });
    front = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const basic = req.headers.authorization;
        tokenRequests.push({ scope: url.searchParams.get('scope'), service: url.searchParams.get('service'), basic });
        if (basic && basic !== `Basic ${Buffer.from('robot:s3cret').toString('base64')}`) {
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `tok:${url.searchParams.get('scope')}`, expires_in: 300 }));
        return;
      }
      const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? '';
      const need = `tok:repository:${repo}:pull`;
      if (req.headers.authorization !== `Bearer ${need}`) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port(front)}/token",service="front.test",scope="repository:${repo}:pull"`,
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        return;
      }
      if (url.pathname.includes('/blobs/')) {
        res.writeHead(307, { location: `http://127.0.0.1:${port(cdn)}${req.url}` }).end();
        return;
      }
      void proxy(bed().registry, req, res);
    });
  }, SLOW);
  afterAll(() => {
    front?.close();
    cdn?.close();
  });

  test('anonymous token: manifest, config and layers resolve; the token is reused; no Authorization reaches the CDN', async () => {
    const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });
    const host = `127.0.0.1:${port(front)}`;
    const resolved = await resolveImage(client, `${host}/${repository}:t`);
    expect(resolved.manifest.layers.length).toBeGreaterThan(0);
    for (const layer of resolved.manifest.layers) {
      let bytes = 0;
      for await (const chunk of await client.getBlob(`${host}/${repository}`, layer.digest)) bytes += (chunk as Buffer).length;
      expect(bytes).toBe(layer.size);
    }
    expect(tokenRequests).toEqual([{ scope: `repository:${repository}:pull`, service: 'front.test', basic: undefined }]);
    expect(cdnAuthHeaders.length).toBe(1 + resolved.manifest.layers.length); // config blob + each layer
    expect(cdnAuthHeaders.every((h) => h === undefined)).toBe(true);
  });

  test('credentials go to the token service as Basic; rejected ones give a one-line error without the secret', async () => {
    const host = `127.0.0.1:${port(front)}`;
    tokenRequests.length = 0;
    const good = new RegistryClient({ credentials: () => ({ username: 'robot', password: 's3cret' }) });
    expect((await good.headManifest(`${host}/${repository}:t`))?.digest).toMatch(/^sha256:/);
    expect(tokenRequests[0].basic).toBe(`Basic ${Buffer.from('robot:s3cret').toString('base64')}`);
    const bad = new RegistryClient({ credentials: () => ({ username: 'robot', password: 'wrong-pw' }) });
    const err = await bad.headManifest(`${host}/${repository}:t`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toBe(`registry ${host}: HEAD /v2/${repository}/manifests/t → 401 UNAUTHORIZED: credentials rejected by the token service`);
  });
});
