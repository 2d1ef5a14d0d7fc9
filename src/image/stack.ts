// Stacks layers into one filesystem the way overlay/moby's UnpackLayer does, keeping only metadata, and
// measures per layer what it added, modified and deleted, and which of its bytes are shadowed later.
// Waste = bytes a layer ships that do not survive into the final filesystem (deleted or overwritten by a
// later layer, or by a later entry of the same layer) — each byte counted once, unlike dive (dive#684).
import type { LayerFile } from './types.js';
import type { LayerEntry } from './layer-scan.js';
import { splitPath } from './paths.js';

/** Content shared by a file and its hardlinks: the bytes are freed only when the last name goes. */
interface Content {
  bytes: number;
  layer: number;
  names: number;
}

interface Node {
  kind: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  content?: Content;
  children?: Map<string, Node>;
}

/** Bytes that layer `origin` ships and layer `by` removes; `paths` keeps the largest few, for hints. */
export interface Shadow {
  origin: number;
  by: number;
  how: 'deleted' | 'overwritten';
  bytes: number;
  files: number;
  paths: { path: string; bytes: number }[];
}

export interface StackedLayer {
  sizeBytes: number;
  files: { added: number; modified: number; deleted: number };
  topFiles: LayerFile[];
  wastedBytes: number;
}

export interface SurvivingFile {
  path: string;
  bytes: number;
  layer: number;
}

export interface StackResult {
  layers: StackedLayer[];
  shadows: Shadow[];
  /** Regular files of the final filesystem (hardlinked content listed once). */
  survivors: SurvivingFile[];
}

const SHADOW_PATHS_KEPT = 5;

export function stackLayers(layers: LayerEntry[][], topN: number): StackResult {
  const root: Node = { kind: 'dir', children: new Map() };
  const shadows = new Map<string, Shadow>();
  const results: StackedLayer[] = [];
  const wasted: number[] = layers.map(() => 0);

  function shadow(content: Content, by: number, how: Shadow['how'], path: string): void {
    content.names--;
    if (content.names > 0) return; // another hardlink still holds the bytes
    wasted[content.layer] += content.bytes;
    const key = `${content.layer}:${by}:${how}`;
    let s = shadows.get(key);
    if (!s) shadows.set(key, (s = { origin: content.layer, by, how, bytes: 0, files: 0, paths: [] }));
    s.bytes += content.bytes;
    s.files++;
    if (content.bytes > 0) keepLargest(s.paths, { path, bytes: content.bytes }, SHADOW_PATHS_KEPT);
  }

  /** Removes a node and everything under it; returns how many non-directory names went. */
  function remove(node: Node, path: string, by: number, how: Shadow['how']): number {
    if (node.kind === 'dir') {
      let n = 0;
      for (const [name, child] of node.children ?? []) n += remove(child, `${path}/${name}`, by, how);
      return n;
    }
    if (node.content) shadow(node.content, by, how, path);
    return 1;
  }

  function lookup(path: string): Node | undefined {
    if (!path) return root;
    let node: Node | undefined = root;
    for (const part of path.split('/')) {
      node = node?.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  /** The directory node for `path`, creating missing ones; a file in the way is replaced (as the kernel would refuse, moby replaces). */
  function ensureDir(path: string, layer: number, stats: StackedLayer): Node {
    let node = root;
    if (!path) return node;
    let sofar = '';
    for (const part of path.split('/')) {
      sofar = sofar ? `${sofar}/${part}` : part;
      let next = node.children!.get(part);
      if (!next || next.kind !== 'dir') {
        if (next) stats.files.deleted += remove(next, sofar, layer, 'overwritten');
        next = { kind: 'dir', children: new Map() };
        node.children!.set(part, next);
      }
      node = next;
    }
    return node;
  }

  layers.forEach((entries, layer) => {
    const stats: StackedLayer = { sizeBytes: 0, files: { added: 0, modified: 0, deleted: 0 }, topFiles: [], wastedBytes: 0 };
    const candidates = new Map<string, LayerFile>();
    // Opaque markers first, then whiteouts: both act on lower layers only, whatever their order in the tar.
    for (const e of entries) {
      if (e.kind !== 'opaque') continue;
      const dir = lookup(e.path);
      if (dir?.kind !== 'dir') continue;
      for (const [name, child] of dir.children!) stats.files.deleted += remove(child, e.path ? `${e.path}/${name}` : name, layer, 'deleted');
      dir.children!.clear();
    }
    for (const e of entries) {
      if (e.kind !== 'whiteout') continue;
      const { dir, base } = splitPath(e.path);
      const parent = lookup(dir);
      const victim = parent?.children?.get(base);
      if (!victim) continue;
      stats.files.deleted += remove(victim, e.path, layer, 'deleted');
      parent!.children!.delete(base);
    }
    for (const e of entries) {
      if (e.kind === 'opaque' || e.kind === 'whiteout') continue;
      if (e.kind === 'file') stats.sizeBytes += e.bytes;
      const { dir, base } = splitPath(e.path);
      const parent = ensureDir(dir, layer, stats);
      const existing = parent.children!.get(base);
      if (e.kind === 'dir') {
        if (existing?.kind === 'dir') continue; // directories merge
        if (existing) stats.files.deleted += remove(existing, e.path, layer, 'overwritten');
        parent.children!.set(base, { kind: 'dir', children: new Map() });
        continue;
      }
      let previousBytes: number | undefined;
      const sameLayerAgain = candidates.has(e.path);
      if (existing) {
        if (existing.kind === 'dir') stats.files.deleted += remove(existing, e.path, layer, 'overwritten');
        else {
          previousBytes = existing.content?.bytes ?? 0;
          remove(existing, e.path, layer, 'overwritten');
        }
      }
      const node: Node = { kind: e.kind };
      if (e.kind === 'file') node.content = { bytes: e.bytes, layer, names: 1 };
      if (e.kind === 'hardlink' && e.target) {
        const target = lookup(e.target);
        if (target?.content) {
          node.content = target.content;
          target.content.names++;
        }
      }
      parent.children!.set(base, node);
      if (sameLayerAgain) {
        // A second entry for the same path in one layer: the first one's bytes are shadowed, the change is counted once.
        const first = candidates.get(e.path)!;
        candidates.set(e.path, { ...first, bytes: e.bytes });
        continue;
      }
      const change = previousBytes === undefined ? 'added' : 'modified';
      stats.files[change]++;
      candidates.set(e.path, change === 'added' ? { path: e.path, bytes: e.bytes, change } : { path: e.path, bytes: e.bytes, change, previousBytes });
    }
    stats.topFiles = [...candidates.values()]
      .filter((f) => f.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
      .slice(0, topN);
    results.push(stats);
  });

  results.forEach((r, i) => (r.wastedBytes = wasted[i]));
  return { layers: results, shadows: [...shadows.values()].sort((a, b) => b.bytes - a.bytes), survivors: survivorsOf(root) };
}

function survivorsOf(root: Node): SurvivingFile[] {
  const out: SurvivingFile[] = [];
  const seen = new Set<Content>();
  const walk = (node: Node, path: string): void => {
    if (node.content && !seen.has(node.content)) {
      seen.add(node.content);
      out.push({ path, bytes: node.content.bytes, layer: node.content.layer });
    }
    for (const [name, child] of node.children ?? []) walk(child, path ? `${path}/${name}` : name);
  };
  walk(root, '');
  return out;
}

function keepLargest(list: { path: string; bytes: number }[], item: { path: string; bytes: number }, max: number): void {
  if (list.length >= max && list[list.length - 1].bytes >= item.bytes) return;
  list.push(item);
  list.sort((a, b) => b.bytes - a.bytes);
  if (list.length > max) list.pop();
}
