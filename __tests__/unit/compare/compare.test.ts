import { compareImages } from '../../../src/compare/compare.js';
import { normaliseInstruction } from '../../../src/compare/normalise.js';
import { BASE, image } from './fixtures.js';

const deps = { id: 'b1', createdBy: 'RUN /bin/sh -c apk add curl # buildkit', size: 4_000_000, compressed: 1_500_000 };
const app = { id: 'c1', createdBy: 'COPY dir:0123456789abcdef0123 in /app # buildkit', size: 200_000, compressed: 80_000 };

describe('normaliseInstruction', () => {
  test.each([
    ['RUN /bin/sh -c apk add curl # buildkit', 'RUN apk add curl'],
    ['RUN |2 VERSION=1.2 TARGET=x /bin/sh -c make # buildkit', 'RUN make'],
    ['RUN |1 VERSION=1.3 /bin/sh -c make', 'RUN make'],
    ['|1 A=b /bin/sh -c make', 'RUN make'],
    ['RUN |1 X=1 ["make","all"]', 'RUN ["make","all"]'],
    ['/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327828f7530cc3455c43bbcdcaf449a75a9 in / ', 'ADD file: in /'],
    ['COPY dir:0123456789abcdef0123 in /app # buildkit', 'COPY dir: in /app'],
    ['COPY --from=sha256:' + 'f'.repeat(64) + ' /out /', 'COPY --from=sha256: /out /'],
    ['/bin/sh -c apt-get   update\n  && rm -rf /var/lib/apt', 'RUN apt-get update && rm -rf /var/lib/apt'],
  ])('%s', (raw, want) => expect(normaliseInstruction(raw)).toBe(want));
});

describe('compareImages', () => {
  test('identical images: every layer unchanged, zero deltas', () => {
    const a = image('a', [BASE, deps, app]);
    const d = compareImages(a, image('b', [BASE, deps, app]));
    expect(d.identical).toBe(true);
    expect(d.sharedPrefix).toBe(3);
    expect(d.counts).toEqual({ unchanged: 3, changed: 0, added: 0, removed: 0 });
    expect(d.delta).toEqual({ compressedBytes: 0, sizeBytes: 0, layerCount: 0, wastedBytes: 0, compressedPercent: 0, sizePercent: 0 });
    expect(d.layers.map((l) => l.matchedBy)).toEqual(['prefix', 'prefix', 'prefix']);
  });

  test('no baseline (first run): every layer added, percent null', () => {
    const d = compareImages(undefined, image('b', [BASE, app]));
    expect(d.identical).toBe(false);
    expect(d.counts).toEqual({ unchanged: 0, changed: 0, added: 2, removed: 0 });
    expect(d.delta.compressedPercent).toBeNull();
    expect(d.delta.compressedBytes).toBe(580_000);
    expect(d.base).toEqual({ compressedBytes: 0, sizeBytes: 0, layerCount: 0, wastedBytes: 0 });
  });

  test('a rebuilt layer with new content is changed, aligned on its instruction despite the new arg and hash', () => {
    const base = image('a', [BASE, { ...deps, createdBy: 'RUN |1 V=1 /bin/sh -c apk add curl # buildkit' }, app]);
    const cur = image('b', [
      BASE,
      { ...deps, id: 'b2', createdBy: 'RUN |1 V=2 /bin/sh -c apk add curl # buildkit', size: 5_000_000, compressed: 1_900_000, files: [['/usr/bin/curl', 900_000]] },
      { ...app, id: 'c2', createdBy: 'COPY dir:fedcba9876543210fedc in /app # buildkit' },
    ]);
    const d = compareImages(base, cur);
    expect(d.sharedPrefix).toBe(1);
    expect(d.layers.map((l) => [l.status, l.matchedBy])).toEqual([
      ['unchanged', 'prefix'],
      ['changed', 'instruction'],
      ['changed', 'instruction'],
    ]);
    expect(d.layers[1].delta).toEqual({ compressedBytes: 400_000, sizeBytes: 1_000_000 });
    expect(d.layers[1].files).toEqual([{ path: '/usr/bin/curl', currentBytes: 900_000, deltaBytes: 900_000, change: 'appeared' }]);
    expect(d.layers[2].delta).toEqual({ compressedBytes: 0, sizeBytes: 0 });
    expect(d.delta.sizeBytes).toBe(1_000_000);
    expect(d.delta.sizePercent).toBeCloseTo((1_000_000 / 5_200_000) * 100, 6);
  });

  test('an inserted layer is added; the layers above it still line up', () => {
    const junk = { id: 'j1', createdBy: 'RUN /bin/sh -c dd if=/dev/zero of=/junk bs=1M count=3 # buildkit', size: 3_145_728, compressed: 3_000 };
    const d = compareImages(image('a', [BASE, deps, app]), image('b', [BASE, deps, junk, { ...app, id: 'c9' }]));
    expect(d.layers.map((l) => l.status)).toEqual(['unchanged', 'unchanged', 'added', 'changed']);
    expect(d.layers[2].delta).toEqual({ compressedBytes: 3_000, sizeBytes: 3_145_728 });
    expect(d.counts.added).toBe(1);
    expect(d.delta.layerCount).toBe(1);
  });

  test('a removed layer is shown where it was, with a negative delta (shrink)', () => {
    const d = compareImages(image('a', [BASE, deps, app]), image('b', [BASE, { ...app, id: 'c3' }]));
    expect(d.layers.map((l) => [l.status, l.index, l.baseIndex])).toEqual([
      ['unchanged', 0, 0],
      ['removed', undefined, 1],
      ['changed', 1, 2],
    ]);
    expect(d.layers[1].delta).toEqual({ compressedBytes: -1_500_000, sizeBytes: -4_000_000 });
    expect(d.delta.compressedBytes).toBe(-1_500_000);
    expect(d.delta.compressedPercent).toBeCloseTo((-1_500_000 / 2_080_000) * 100, 6);
  });

  test('reordered layers keep their identity: unchanged, one marked moved', () => {
    const x = { id: 'x1', createdBy: 'COPY x /x # buildkit', size: 10 };
    const y = { id: 'y1', createdBy: 'COPY y /y # buildkit', size: 20 };
    const d = compareImages(image('a', [BASE, x, y]), image('b', [BASE, y, x]));
    expect(d.identical).toBe(false);
    expect(d.layers.map((l) => [l.status, l.matchedBy, l.baseIndex])).toEqual([
      ['unchanged', 'prefix', 0],
      ['unchanged', 'diffId', 2],
      ['unchanged', 'diffId', 1],
    ]);
    expect(d.layers.filter((l) => l.moved)).toHaveLength(1);
    expect(d.delta.sizeBytes).toBe(0);
  });

  test('changed instruction of the same kind pairs by position; a different kind does not', () => {
    const base = image('a', [BASE, { id: 'r1', createdBy: 'RUN /bin/sh -c apk add curl', size: 100 }, { id: 'k1', createdBy: 'COPY a /a', size: 5 }]);
    const cur = image('b', [BASE, { id: 'r2', createdBy: 'RUN /bin/sh -c apk add curl git', size: 300 }, { id: 'k2', createdBy: 'ADD b.tgz /b', size: 7 }]);
    const d = compareImages(base, cur);
    expect(d.layers.map((l) => [l.status, l.matchedBy ?? null])).toEqual([
      ['unchanged', 'prefix'],
      ['changed', 'position'],
      ['removed', null],
      ['added', null],
    ]);
    expect(d.layers[1].baseInstruction).toBe('RUN apk add curl');
    expect(d.layers[1].delta.sizeBytes).toBe(200);
  });

  test('files that grew report both sizes; files that shrank are left out; largest delta first', () => {
    const base = image('a', [BASE, { ...deps, files: [['/a', 100], ['/b', 500], ['/c', 50]] }]);
    const cur = image('b', [BASE, { ...deps, id: 'b7', files: [['/a', 400], ['/b', 200], ['/d', 250]] }]);
    expect(compareImages(base, cur).layers[1].files).toEqual([
      { path: '/a', baseBytes: 100, currentBytes: 400, deltaBytes: 300, change: 'grew' },
      { path: '/d', currentBytes: 250, deltaBytes: 250, change: 'appeared' },
    ]);
  });

  test('unknown instructions never align by instruction, only by position', () => {
    const u = (id: string, size: number) => ({ id, createdBy: '', size });
    const base = image('a', [BASE, u('u1', 10), u('u2', 20)]);
    base.layers.forEach((l) => (l.instruction = l.index ? 'unknown instruction' : l.instruction));
    const cur = image('b', [BASE, u('u3', 11), u('u4', 21)]);
    cur.layers.forEach((l) => (l.instruction = l.index ? 'unknown instruction' : l.instruction));
    const d = compareImages(base, cur);
    expect(d.layers.map((l) => [l.status, l.matchedBy])).toEqual([
      ['unchanged', 'prefix'],
      ['changed', 'position'],
      ['changed', 'position'],
    ]);
  });

  test('a hostile number of layers does not blow up (greedy fallback)', () => {
    const many = (p: string) => Array.from({ length: 2500 }, (_, i) => ({ id: `${p}${i.toString(16)}`, createdBy: `RUN /bin/sh -c step ${i}`, size: 1 }));
    const started = Date.now();
    const d = compareImages(image('a', many('a')), image('b', many('b')));
    expect(d.counts.changed).toBe(2500);
    const shrunk = compareImages(image('a', many('a')), image('c', many('a').slice(0, 1)));
    expect(shrunk.counts).toEqual({ unchanged: 1, changed: 0, added: 0, removed: 2499 });
    expect(shrunk.layers.map((l) => l.baseIndex)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('measurement notes', () => {
  test('unchanged layers whose compressed sizes differ are called out, not hidden', () => {
    const base = image('a', [BASE, deps]);
    const cur = image('b', [{ ...BASE, compressed: 500_100 }, deps]);
    const d = compareImages(base, cur);
    expect(d.layers[0]).toMatchObject({ status: 'unchanged', delta: { compressedBytes: 100, sizeBytes: 0 } });
    expect(d.notes).toEqual([
      '1 unchanged layer differs by 100 B in compressed size: the two images were compressed or measured differently (registry manifest vs gzip estimate), and the compressed delta includes this',
    ]);
    expect(compareImages(base, image('c', [BASE, deps])).notes).toBeUndefined();
  });
});
