// A lying registry (real local HTTP server): content that does not match its digest, oversized manifests,
// redirect loops. The client must refuse each with a RegistryError instead of passing bad bytes on.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient } from '../../../src/registry/client.js';
import { DigestMismatchError, RegistryError } from '../../../src/registry/errors.js';

const WANT = `sha256:${'0'.repeat(64)}`;

describe('a registry that lies', () => {
  let server: Server;
  let host: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url.includes('/blobs/')) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('not what you asked for');
      if (url.includes('/manifests/huge')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        res.end(Buffer.alloc(5 << 20, 0x20));
        return;
      }
      if (url.includes('/manifests/loop')) return void res.writeHead(302, { location: url }).end();
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end('{"schemaVersion":2}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());
  const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });

  test('a blob stream whose bytes do not hash to the digest errors at its end', async () => {
    const stream = await client.getBlob(`${host}/a/b`, WANT);
    const consume = async () => {
      for await (const _chunk of stream) void _chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(DigestMismatchError);
  });

  test('a JSON blob and a manifest by digest are checked too', async () => {
    await expect(client.getJsonBlob(`${host}/a/b`, WANT)).rejects.toBeInstanceOf(DigestMismatchError);
    await expect(client.getManifest(`${host}/a/b@${WANT}`)).rejects.toThrow(/has digest sha256:[0-9a-f]{64}, expected sha256:0{64}/);
  });

  test('a manifest over 4 MiB is refused; a redirect loop ends', async () => {
    await expect(client.getManifest(`${host}/a/b:huge`)).rejects.toThrow(/over the 4194304-byte limit/);
    const err = await client.getManifest(`${host}/a/b:loop`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toContain('more than 5 redirects');
  });

  test('a malformed digest is refused before any request', async () => {
    await expect(client.getBlob(`${host}/a/b`, 'sha256:../../etc')).rejects.toThrow("'sha256:../../etc' is not a sha256 digest");
  });
});

describe('a registry that sends too much', () => {
  test('a huge error body and a huge token response are read only as far as needed', async () => {
    let tokenBytesSent = 0;
    let errorBytesSent = 0;
    const server = createServer((req, res) => {
      const url = req.url ?? '';
      const flood = (count: (n: number) => void) => {
        const chunk = Buffer.alloc(64 << 10, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) count(chunk.length);
        };
        res.on('drain', pump);
        pump();
      };
      if (url.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return flood((n) => (tokenBytesSent += n)); // never ends
      }
      if (url.includes('/protected/')) {
        if (!req.headers.authorization) return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="x"` }).end();
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      flood((n) => (errorBytesSent += n)); // an error body that never ends
    });
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
    try {
      const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' }, retries: 0 });
      const err = await client.getManifest(`127.0.0.1:${port}/open/app:1`).catch((e: Error) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as Error).message).toMatch(/manifests\/1 → 500: Internal Server Error$/);
      const token = await client.getManifest(`127.0.0.1:${port}/protected/app:1`).catch((e: Error) => e);
      expect((token as Error).message).toMatch(/token service answered with more than 1048576 bytes$/);
      // Far less than the endless bodies: the client stopped reading (socket buffers aside).
      expect(errorBytesSent).toBeLessThan(64 << 20);
      expect(tokenBytesSent).toBeLessThan(64 << 20);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 60_000);
});

describe('transient failures', () => {
  test('GET is retried after 503 (Retry-After honoured) and 502; PUT is not', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const n = hits.filter((h) => h === `${req.method} ${req.url}`).length;
      if (req.method === 'PUT') return void res.writeHead(503).end();
      if (n === 1) return void res.writeHead(503, { 'retry-after': '1' }).end();
      if (n === 2) return void res.writeHead(502).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"a/b","tags":["x"]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' } });
      const started = Date.now();
      expect(await client.listTags(`${host}/a/b`)).toEqual(['x']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000 + 1500);
      await expect(client.putManifest(`${host}/a/b:t`, Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json')).rejects.toMatchObject({ status: 503 });
      expect(hits.filter((h) => h.startsWith('PUT')).length).toBe(1);
    } finally {
      server.close();
    }
  }, 20_000);
});
