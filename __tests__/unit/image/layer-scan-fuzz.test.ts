// Fuzz suite over layer tar scanning and the `docker save` readers (fast-check, a few seconds per property).
// Properties: every case settles before a hard deadline (10 s; no hang); the only failure is an InputError whose
// message is one printable line (no unhandled 'error' event either: jest fails the test on one); the
// source is read once, and what is kept is bounded by the bytes read (entries ≤ tar bytes / 512, path
// characters ≤ tar bytes) — work and memory linear in the input.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { InputError } from '../../../src/core/errors.js';
import { analyzeImage } from '../../../src/image/analyze.js';
import { PATH_MAX, scanLayerBlob } from '../../../src/image/layer-scan.js';
import { imageArchiveStream } from '../../../src/image/sources.js';
import { archive, chunked } from './fixtures.js';
import { buildBlob, counted, encode, entrySpec, hostileBlob, mutate, mutation, packEntries } from './hostile-tar.js';
import { containerdSave, docker25Save, legacySave } from './save-fixtures.js';

// LAYERWISE_FUZZ_SCALE=20 soaks: 20× the cases and the time (a few minutes).
const SCALE = Math.max(1, Number(process.env.LAYERWISE_FUZZ_SCALE) || 1);
const DEADLINE_MS = 10_000; // linear code takes milliseconds on these inputs; a hang never settles
const PROPERTY_MS = 6_000 * SCALE; // fast-check stops adding cases after this long
const TEST_TIMEOUT = 60_000 * SCALE;

async function settles<T>(p: Promise<T>, what: string): Promise<{ value?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    return { value: await Promise.race([p, deadline]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('HANG:')) throw error;
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

/** The one way a hostile input may fail: an InputError, one printable line. */
function expectInputError(error: unknown): void {
  if (!(error instanceof InputError)) throw new Error(`not an InputError: ${String((error as Error)?.stack ?? error)}`);
  expect([...error.message].filter((c) => c < ' ' || c === '\x7f' || c === '\u2028' || c === '\u2029')).toEqual([]);
  expect(error.message.length).toBeLessThan(1000);
}

function expectNormalised(path: string): void {
  expect(path.length).toBeLessThanOrEqual(PATH_MAX);
  expect(path.startsWith('/')).toBe(false);
  expect(path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')).toBe(false);
}

const params = (numRuns: number) => ({ numRuns: numRuns * SCALE, interruptAfterTimeLimit: PROPERTY_MS, markInterruptAsFailure: false });

describe('fuzz: one layer blob', () => {
  test('hostile blobs: an InputError line or a bounded scan, never a hang, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBlob, async (spec) => {
        const blob = await buildBlob(spec);
        const source = counted(blob, spec.chunk);
        const { value: scan, error } = await settles(scanLayerBlob(source, { label: 'blobs/sha256/x', estimateGzip: spec.seed % 2 === 0 }), 'scanLayerBlob');
        expect(source.pulled).toBeLessThanOrEqual(blob.length);
        if (error !== undefined) return expectInputError(error);
        expect(source.pulled).toBe(blob.length); // read once, to the end
        expect(scan!.blobBytes).toBe(blob.length);
        expect(scan!.entries.length).toBeLessThanOrEqual(Math.ceil(scan!.tarBytes / 512));
        const pathChars = scan!.entries.reduce((n, e) => n + e.path.length + (e.target?.length ?? 0), 0);
        expect(pathChars).toBeLessThanOrEqual(scan!.tarBytes);
        const fileBytes = scan!.entries.reduce((n, e) => n + e.bytes, 0);
        expect(fileBytes).toBeLessThanOrEqual(scan!.tarBytes);
        for (const e of scan!.entries) {
          if (e.path) expectNormalised(e.path);
          if (e.target) expectNormalised(e.target);
        }
      }),
      params(250),
    );
  }, TEST_TIMEOUT);

  test('valid tars of hostile entries (plain or gzip): DiffID and lengths exact; only an over-long path is refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entrySpec, { maxLength: 12 }), fc.boolean(), fc.integer({ min: 7, max: 40_000 }), async (entries, gz, chunk) => {
        const { tar, packed } = await packEntries(entries);
        const blob = gz ? encode(tar, 'gzip', 0) : tar;
        const { value: scan, error } = await settles(scanLayerBlob(counted(blob, chunk), { label: 'l' }), 'scanLayerBlob');
        if (error !== undefined) {
          expectInputError(error);
          // The only refusal a well-formed tar earns: a name past PATH_MAX (names normalise to no longer).
          expect((error as Error).message).toMatch(/longer than PATH_MAX/);
          expect(packed.some((e) => e.name.length > PATH_MAX || (e.type === 'link' && e.linkname.length > PATH_MAX))).toBe(true);
          return;
        }
        expect(scan!.diffId).toBe(`sha256:${createHash('sha256').update(tar).digest('hex')}`);
        expect(scan!.tarBytes).toBe(tar.length);
        expect(scan!.blobBytes).toBe(blob.length);
        expect(scan!.compression).toBe(gz ? 'gzip' : 'none');
        // Every regular file packed under a name that stays a plain path is counted with its size.
        const plainFiles = packed.filter((e) => e.type === 'file' && /^[a-z]+(\/[a-z]+)*$/.test(e.name));
        for (const f of plainFiles) expect(scan!.entries).toContainEqual({ path: f.name, kind: 'file', bytes: f.size });
      }),
      params(150),
    );
  }, TEST_TIMEOUT);
});

describe('fuzz: docker save archives', () => {
  const layout = fc.constantFrom('docker25', 'containerd', 'legacy');
  const hostileDoc = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant({ manifests: [{ digest: 'sha256:../../x' }] }), fc.constant([{ Config: '../../etc/passwd', Layers: [1, null] }]));

  test('archives of hostile layers, hostile JSON members and damaged bytes: an analysis or an InputError line', async () => {
    await fc.assert(
      fc.asyncProperty(
        layout,
        fc.array(fc.array(entrySpec, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.option(fc.record({ name: fc.constantFrom('manifest.json', 'index.json', 'repositories', 'oci-layout'), doc: hostileDoc }), { nil: undefined }),
        mutation,
        fc.integer({ min: 7, max: 70_000 }),
        async (kind, layerSpecs, extra, outer, chunk) => {
          const layers = await Promise.all(layerSpecs.map(async (s) => (await packEntries(s)).tar));
          const img = { layers, history: layers.map((_, i) => ({ created_by: `RUN ${'sh -o '.repeat(i * 20)}step${i}` })) };
          let buf = kind === 'docker25' ? await docker25Save(img) : kind === 'containerd' ? await containerdSave([img]) : await legacySave(img);
          // A hostile member appended last wins over the real one of the same name (last write wins).
          if (extra) buf = Buffer.concat([buf.subarray(0, buf.length - 1024), await memberTar(extra.name, JSON.stringify(extra.doc))]);
          buf = mutate(buf, outer);
          const { value: analysis, error } = await settles(
            analyzeImage(imageArchiveStream(chunked(buf, chunk), 'img.tar'), { platform: 'linux/amd64' }),
            'analyzeImage',
          );
          if (error !== undefined) return expectInputError(error);
          expect(analysis!.layerCount).toBe(analysis!.layers.length);
          expect(analysis!.sizeBytes).toBe(analysis!.layers.reduce((n, l) => n + l.sizeBytes, 0));
          expect(analysis!.wastedBytes).toBeLessThanOrEqual(analysis!.sizeBytes);
        },
      ),
      params(120),
    );
  }, TEST_TIMEOUT);
});

/** One tar member followed by the end-of-archive blocks. */
async function memberTar(name: string, body: string): Promise<Buffer> {
  return archive([{ name, body }]);
}
