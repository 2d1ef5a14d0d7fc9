// Walks a build context the way the docker CLI sends it: entries the filter keeps, in byte order of their
// relative paths, symlinks reported as links (never followed, so nothing outside the context is read).
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContextFilter } from './ignore.js';

export interface ContextEntry {
  /** Relative to the context root, forward slashes. */
  path: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (incl. setuid/setgid/sticky). */
  mode: number;
  /** Bytes for files; 0 for directories and links. */
  size: number;
}

export interface WalkNotes {
  /** Sockets, FIFOs, devices: docker cannot send them either; reported, not fatal. */
  skippedSpecial: string[];
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export async function* walkContext(root: string, filter: ContextFilter, notes: WalkNotes = { skippedSpecial: [] }): AsyncGenerator<ContextEntry> {
  yield* walkDir(root, '', filter, notes);
}

async function* walkDir(root: string, rel: string, filter: ContextFilter, notes: WalkNotes): AsyncGenerator<ContextEntry> {
  const names: string[] = [];
  try {
    for await (const d of await opendir(rel ? join(root, rel) : root)) names.push(d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // removed while we walked
    throw err;
  }
  names.sort(byteOrder);
  // lstat a directory's entries together: one round-trip per directory instead of per file.
  const stats = await Promise.all(
    names.map((name) =>
      lstat(join(root, rel ? `${rel}/${name}` : name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined; // removed while we walked
        throw err;
      }),
    ),
  );
  for (const [i, name] of names.entries()) {
    const st = stats[i];
    if (!st) continue;
    const path = rel ? `${rel}/${name}` : name;
    const abs = join(root, path);
    const excluded = !filter.alwaysKept.has(path) && filter.excludes(path);
    if (st.isDirectory()) {
      if (!excluded) yield { path, abs, type: 'dir', mode: st.mode & 0o7777, size: 0 };
      if (!excluded || filter.mayHoldException(path)) yield* walkDir(root, path, filter, notes);
      continue;
    }
    if (excluded) continue;
    if (st.isSymbolicLink()) yield { path, abs, type: 'symlink', mode: st.mode & 0o7777, size: 0 };
    else if (st.isFile()) yield { path, abs, type: 'file', mode: st.mode & 0o7777, size: st.size };
    else notes.skippedSpecial.push(path);
  }
}
