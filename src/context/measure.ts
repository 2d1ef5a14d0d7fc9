// Context size as the docker CLI would send it: kept regular files' bytes, counted without reading contents.
import { realpath } from 'node:fs/promises';
import { loadContextFilter } from './ignore.js';
import { walkContext, type WalkNotes } from './walk.js';

export interface ContextOptions {
  /** Dockerfile path as `docker build -f` takes it: relative to the working directory (default `<context>/Dockerfile`). */
  dockerfile?: string;
}

export interface ContextMeasure {
  /** Sum of kept regular files' sizes. */
  bytes: number;
  /** Kept regular files and symlinks. */
  files: number;
  /** The largest kept files, biggest first (at most `top`). */
  largest: { path: string; bytes: number }[];
  /** The ignore file that applied, if any. */
  ignoreFile?: string;
  /** Sockets/FIFOs/devices left out (docker cannot send them). */
  skippedSpecial: string[];
}

export async function measureContext(dir: string, options: ContextOptions & { top?: number } = {}): Promise<ContextMeasure> {
  const root = await realpath(dir);
  const filter = await loadContextFilter(root, options.dockerfile);
  const top = options.top ?? 10;
  const notes: WalkNotes = { skippedSpecial: [] };
  let bytes = 0;
  let files = 0;
  const largest: { path: string; bytes: number }[] = [];
  for await (const entry of walkContext(root, filter, notes)) {
    if (entry.type === 'dir') continue;
    files++;
    bytes += entry.size;
    if (entry.type !== 'file' || top <= 0) continue;
    if (largest.length < top || entry.size > largest[largest.length - 1].bytes) {
      largest.push({ path: entry.path, bytes: entry.size });
      largest.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
      if (largest.length > top) largest.pop();
    }
  }
  return { bytes, files, largest, ignoreFile: filter.source, skippedSpecial: notes.skippedSpecial };
}
