// The test servers themselves: a taken port is not fatal (CI machines run other services), and they stop clean.
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeWithTestbed } from '../../helpers/testbed.js';
import { startGitHubApi } from '../../helpers/github-api.js';
import { startCacheService } from '../../helpers/cache-service.js';

jest.setTimeout(120_000);

describeWithTestbed('test servers', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer((_req, res) => res.end('someone else'));
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => taken.close(r)));

  test('Prism moves to another port when the first is taken, and answers', async () => {
    const api = await startGitHubApi({ port });
    try {
      expect(api.url).not.toBe(`http://127.0.0.1:${port}`);
      const res = await fetch(`${api.url}/repos/acme/app/issues/1/comments`, { headers: { authorization: 'token x' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  test('Azurite moves to another port when the first is taken', async () => {
    const svc = await startCacheService({ blobPort: port });
    try {
      expect(svc.blobUrl).not.toContain(`:${port}/`);
      const res = await fetch(`${svc.url}twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL`, {
        method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"key":"k","version":"v"}',
      });
      expect(await res.json()).toEqual({ ok: false });
    } finally {
      await svc.close();
    }
  });
});
