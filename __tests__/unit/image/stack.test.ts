import { stackLayers } from '../../../src/image/stack.js';
import type { LayerEntry } from '../../../src/image/layer-scan.js';

const f = (path: string, bytes: number): LayerEntry => ({ path, kind: 'file', bytes });
const d = (path: string): LayerEntry => ({ path, kind: 'dir', bytes: 0 });
const wh = (path: string): LayerEntry => ({ path, kind: 'whiteout', bytes: 0 });
const opq = (path: string): LayerEntry => ({ path, kind: 'opaque', bytes: 0 });
const hl = (path: string, target: string): LayerEntry => ({ path, kind: 'hardlink', bytes: 0, target });

describe('stackLayers', () => {
  test('added, modified, deleted counts and shadowed bytes across three layers', () => {
    const r = stackLayers(
      [
        [d('app'), f('app/a', 1000), f('app/b', 2000), f('app/c', 300)],
        [f('app/a', 1500), wh('app/b'), f('app/d', 40)],
        [wh('app/d')],
      ],
      10,
    );
    expect(r.layers.map((l) => l.sizeBytes)).toEqual([3300, 1540, 0]);
    expect(r.layers.map((l) => l.files)).toEqual([
      { added: 3, modified: 0, deleted: 0 },
      { added: 1, modified: 1, deleted: 1 },
      { added: 0, modified: 0, deleted: 1 },
    ]);
    // Layer 0 loses a (1000, overwritten) and b (2000, deleted); layer 1 loses d (40).
    expect(r.layers.map((l) => l.wastedBytes)).toEqual([3000, 40, 0]);
    expect(r.layers[1].topFiles).toEqual([
      { path: 'app/a', bytes: 1500, change: 'modified', previousBytes: 1000 },
      { path: 'app/d', bytes: 40, change: 'added' },
    ]);
    expect(r.shadows).toEqual([
      { origin: 0, by: 1, how: 'deleted', bytes: 2000, files: 1, paths: [{ path: 'app/b', bytes: 2000 }] },
      { origin: 0, by: 1, how: 'overwritten', bytes: 1000, files: 1, paths: [{ path: 'app/a', bytes: 1000 }] },
      { origin: 1, by: 2, how: 'deleted', bytes: 40, files: 1, paths: [{ path: 'app/d', bytes: 40 }] },
    ]);
    expect(r.survivors.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'app/a', bytes: 1500, layer: 1 },
      { path: 'app/c', bytes: 300, layer: 0 },
    ]);
  });

  test('whiteout of a directory removes its whole subtree', () => {
    const r = stackLayers([[f('opt/x/1', 10), f('opt/x/2', 20), f('opt/x/y/3', 30), f('opt/keep', 5)], [wh('opt/x')]], 5);
    expect(r.layers[1].files.deleted).toBe(3);
    expect(r.layers[0].wastedBytes).toBe(60);
    expect(r.survivors).toEqual([{ path: 'opt/keep', bytes: 5, layer: 0 }]);
  });

  test('opaque marker hides lower children even when it comes after the new entries (OCI layer.md)', () => {
    const r = stackLayers(
      [
        [f('a/b/c/bar', 100), f('a/old', 50)],
        // Same layer re-creates a/b/c/foo, with the marker written last.
        [d('a'), d('a/b'), d('a/b/c'), f('a/b/c/foo', 7), opq('a')],
      ],
      5,
    );
    expect(r.layers[1].files).toEqual({ added: 1, modified: 0, deleted: 2 });
    expect(r.layers[0].wastedBytes).toBe(150);
    expect(r.survivors).toEqual([{ path: 'a/b/c/foo', bytes: 7, layer: 1 }]);
  });

  test('a whiteout does not hide an entry of its own layer', () => {
    const r = stackLayers([[f('x', 10)], [f('x', 20), wh('x')]], 5);
    expect(r.survivors).toEqual([{ path: 'x', bytes: 20, layer: 1 }]);
    expect(r.layers[0].wastedBytes).toBe(10);
    expect(r.layers[1].wastedBytes).toBe(0);
  });

  test('file replaced by a directory and a directory replaced by a file', () => {
    const r = stackLayers(
      [
        [f('p', 100), f('q/1', 10), f('q/2', 20)],
        [f('p/inner', 5), f('q', 3)],
      ],
      5,
    );
    expect(r.layers[1].files).toEqual({ added: 2, modified: 0, deleted: 3 });
    expect(r.layers[0].wastedBytes).toBe(130);
    expect(r.survivors.map((s) => s.path).sort()).toEqual(['p/inner', 'q']);
  });

  test('hardlinks count once; bytes survive while any name survives', () => {
    const r = stackLayers(
      [
        [f('bin/tool', 5000), hl('bin/alias', 'bin/tool'), hl('bin/dangling', 'nope')],
        [wh('bin/tool')],
      ],
      5,
    );
    expect(r.layers[0].sizeBytes).toBe(5000);
    expect(r.layers[0].topFiles).toEqual([{ path: 'bin/tool', bytes: 5000, change: 'added' }]);
    // The alias still holds the content: deleting one name wastes nothing.
    expect(r.layers[0].wastedBytes).toBe(0);
    expect(r.survivors).toEqual([{ path: 'bin/alias', bytes: 5000, layer: 0 }]);
    const both = stackLayers([[f('t', 5000), hl('u', 't')], [wh('t'), wh('u')]], 5);
    expect(both.layers[0].wastedBytes).toBe(5000);
    expect(both.shadows).toEqual([{ origin: 0, by: 1, how: 'deleted', bytes: 5000, files: 1, paths: [{ path: 'u', bytes: 5000 }] }]);
  });

  test('same path twice in one layer: the first copy is shadowed, the change counted once', () => {
    const r = stackLayers([[f('dup', 100), f('dup', 30)]], 5);
    expect(r.layers[0]).toEqual({
      sizeBytes: 130,
      files: { added: 1, modified: 0, deleted: 0 },
      topFiles: [{ path: 'dup', bytes: 30, change: 'added' }],
      wastedBytes: 100,
    });
  });

  test('whiteouts of missing paths and opaque markers on files are ignored', () => {
    const r = stackLayers([[f('a', 1)], [wh('nothing/here'), opq('a'), opq('missing')]], 5);
    expect(r.layers[1].files).toEqual({ added: 0, modified: 0, deleted: 0 });
    expect(r.survivors).toEqual([{ path: 'a', bytes: 1, layer: 0 }]);
  });

  test('topFiles is the N largest, ties by path', () => {
    const r = stackLayers([[f('c', 5), f('a', 5), f('b', 9), f('z', 0)]], 2);
    expect(r.layers[0].topFiles.map((t) => t.path)).toEqual(['b', 'a']);
  });

  test('the same layer applied twice (shared empty or duplicate blob)', () => {
    const layer = [f('x', 10)];
    const r = stackLayers([layer, layer], 5);
    expect(r.layers[1].files).toEqual({ added: 0, modified: 1, deleted: 0 });
    expect(r.layers[0].wastedBytes).toBe(10);
  });
});
