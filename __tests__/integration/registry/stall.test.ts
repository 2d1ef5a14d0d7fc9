// A registry that trickles or stops (real local HTTP server): the run ends with one registry error line
// after a stall window, never hangs; a slow but steady download and a slow reader are not stalls.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { findBaseline } from '../../../src/baseline/find.js';
import { registryBaselineStore } from '../../../src/baseline/registry-store.js';
import { analyzeImage } from '../../../src/image/analyze.js';
import { registryImage } from '../../../src/image/sources.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { RegistryError } from '../../../src/registry/errors.js';
import { listen } from '../../helpers/net.js';
import { gzip, layerTar } from '../../unit/image/fixtures.js';

const STALL = { windowMs: 1500, minBytesPerSecond: 64 };
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Image {
  layer: Buffer;
  config: Buffer;
  manifest: Buffer;
}

async function image(): Promise<Image> {
  // Random bytes: the gzip blob stays ~200 kB, so the steady download really spans several windows.
  const tar = await layerTar([{ name: 'app/data.bin', bytes: randomBytes(200_000) }, { name: 'etc/conf', bytes: 100 }]);
  const layer = gzip(tar);
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, history: [{ created_by: 'COPY . / # buildkit' }] }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  }));
  return { layer, config, manifest };
}

/** Sends `body` in `piece`-byte writes `every` ms apart; stops early when the client goes away. */
async function trickle(req: IncomingMessage, res: ServerResponse, body: Buffer, piece: number, every: number): Promise<void> {
  let gone = false;
  req.on('close', () => (gone = true));
  res.on('close', () => (gone = true));
  for (let i = 0; i < body.length && !gone; i += piece) {
    res.write(body.subarray(i, i + piece));
    await sleep(every);
  }
  if (!gone) res.end();
}

describe('a registry that stalls', () => {
  let server: Server;
  let host: string;
  let img: Image;
  /** Per request path: when the client closed the connection, ms after the request started. */
  const closedAfter = new Map<string, number>();

  beforeAll(async () => {
    img = await image();
    server = createServer((req, res) => {
      const url = req.url ?? '';
      const started = Date.now();
      req.socket.on('close', () => closedAfter.set(url, Date.now() - started));
      const mode = url.split('/')[2]; // /v2/<mode>/app/...
      const manifestType = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
      if (req.method === 'POST' && url.includes('/blobs/uploads/')) {
        return void res.writeHead(202, { location: `/v2/${mode}/app/blobs/uploads/u1`, 'content-length': '0' }).end();
      }
      if (req.method === 'PUT') {
        if (mode === 'deafupload') return; // never reads the body, never answers
        // Reads steadily, ~6 MB/s: a big upload takes several stall windows and must not be cut.
        const hash = createHash('sha256');
        req.on('data', (c: Buffer) => {
          hash.update(c);
          req.pause();
          setTimeout(() => req.resume(), 10);
        });
        req.on('end', () => {
          const want = new URL(url, 'http://x').searchParams.get('digest');
          res.writeHead(`sha256:${hash.digest('hex')}` === want ? 201 : 400, { 'content-length': '0' }).end();
        });
        return;
      }
      if (url.includes('/manifests/')) {
        res.writeHead(200, manifestType);
        if (mode === 'slowmanifest') return void trickle(req, res, img.manifest, 1, 1000);
        return void res.end(img.manifest);
      }
      if (url.endsWith(sha256(img.config))) return void res.writeHead(200).end(img.config);
      if (mode === 'noanswer') return; // never sends headers
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(img.layer.length) });
      if (mode === 'trickle') return void trickle(req, res, img.layer, 1, 1000); // the 1 byte/s
      if (mode === 'silent') return void res.write(img.layer.subarray(0, 10_000)); // then nothing, connection open
      if (mode === 'steady') return void trickle(req, res, img.layer, 16_384, 350); // ~47 KB/s for several windows
      if (mode === 'notalayer') return void trickle(req, res, Buffer.alloc(4 << 20, '{'), 8192, 100); // 50 s of JSON-looking bytes
      res.end(img.layer);
    });
    host = `127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = () => new RegistryClient({ env: { DOCKER_CONFIG: '/nonexistent' }, stall: STALL });
  const analyse = (mode: string) =>
    analyzeImage(registryImage(`${host}/${mode}/app:1`, { env: { DOCKER_CONFIG: '/nonexistent' }, stall: STALL }), { platform: 'linux/amd64' });

  async function failure(p: Promise<unknown>): Promise<{ err: RegistryError; ms: number }> {
    const started = Date.now();
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(err)}`);
    expect(err.message).not.toContain('\n');
    return { err, ms: Date.now() - started };
  }

  test('a blob at 1 byte/s: the analysis fails with one registry line after a window, and the connection is closed', async () => {
    const { err, ms } = await failure(analyse('trickle'));
    expect(err.message).toMatch(
      new RegExp(`^registry ${host}: GET /v2/trickle/app/blobs/sha256:[0-9a-f]{64} → 200: stalled: [12] bytes in 1\\.5 s, under 64 bytes/s$`),
    );
    // Generous bounds: one window, not the 200 s the download would take (nor forever).
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(30_000);
    await sleep(200);
    expect(closedAfter.get(`/v2/trickle/app/blobs/${sha256(img.layer)}`)).toBeDefined();
  }, 60_000);

  test('a blob that stops after some bytes and a request that never gets headers: no bytes for a window', async () => {
    const silent = await failure(analyse('silent'));
    expect(silent.err.message).toMatch(/\/v2\/silent\/app\/blobs\/sha256:[0-9a-f]{64} → 200: stalled: no bytes for 1\.5 s$/);
    const noAnswer = await failure(client().getBlob(`${host}/noanswer/app`, sha256(img.layer)));
    expect(noAnswer.err.message).toMatch(new RegExp(`/v2/noanswer/app/blobs/sha256:[0-9a-f]{64} → no answer: ${host} stalled: no bytes for 1\\.5 s$`));
    expect(noAnswer.err.status).toBe(0);
    // Not retried like a transient error: one window, not three.
    expect(noAnswer.ms).toBeLessThan(1500 * 2.5);
  }, 60_000);

  test('during a build the same stall is a warning: the registry baseline is skipped, the run goes on', async () => {
    const store = registryBaselineStore({ refFor: () => `${host}/trickle/app:1`, platform: 'linux/amd64', clientOptions: { env: { DOCKER_CONFIG: '/nonexistent' }, stall: STALL } });
    const found = await findBaseline([store], { imageKey: 'app', branch: 'main' });
    expect(found.baseline).toBeUndefined();
    expect(found.tried).toEqual(['registry: error']);
    expect(found.warnings).toEqual([expect.stringMatching(/^baseline store registry failed for app on main: registry .* stalled: [12] bytes in 1\.5 s/)]);
  }, 60_000);

  test('a manifest at 1 byte/s fails the same way', async () => {
    const { err } = await failure(client().getManifest(`${host}/slowmanifest/app:1`));
    expect(err.message).toMatch(/GET \/v2\/slowmanifest\/app\/manifests\/1 → 200: stalled: [12] bytes in 1\.5 s, under 64 bytes\/s$/);
  }, 60_000);

  test('a slow but steady download takes several windows and succeeds (the limit is on stalls, not on the total)', async () => {
    const started = Date.now();
    const a = await analyse('steady');
    expect(Date.now() - started).toBeGreaterThan(STALL.windowMs * 2);
    expect(a.layers[0].compressedBytes).toBe(img.layer.length);
    expect(a.sizeBytes).toBe(200_100);
  }, 60_000);

  test('a blob refused after its first bytes is not downloaded to the end: the connection closes at once', async () => {
    const started = Date.now();
    const err = await analyse('notalayer').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^\S+\/notalayer\/app:1: sha256:[0-9a-f]{64}: not a layer \(neither tar, gzip nor zstd\)$/);
    const blobPath = `/v2/notalayer/app/blobs/${sha256(img.layer)}`;
    for (let i = 0; i < 50 && !closedAfter.has(blobPath); i++) await sleep(100);
    // The server would take 50 s to send it all; the client hung up long before.
    expect(closedAfter.get(blobPath)).toBeLessThan(10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  test('uploads: a 24 MiB blob read slowly but steadily goes through; a registry that never reads stalls', async () => {
    const big = randomBytes(24 << 20);
    const started = Date.now();
    await client().uploadBlob(`${host}/steadyupload/app`, sha256(big), big, big.length);
    expect(Date.now() - started).toBeGreaterThan(STALL.windowMs); // longer than a window, and not cut
    const { err } = await failure(client().uploadBlob(`${host}/deafupload/app`, sha256(big), big, big.length));
    expect(err.message).toMatch(/PUT \/v2\/deafupload\/app\/… → no answer: \S+ stalled: (no bytes for 1\.5 s|\d+ bytes in 1\.5 s, under 64 bytes\/s)$/);
  }, 60_000);

  test('a reader that pauses longer than a window is not a stall: only waits on the network count', async () => {
    const stream = await client().getBlob(`${host}/fast/app`, sha256(img.layer));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      if (chunks.length === 1) await sleep(STALL.windowMs * 2);
    }
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(img.layer));
  }, 60_000);
});
