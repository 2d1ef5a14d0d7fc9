// A digest of what the build context sends: for each kept entry, sorted by relative path (byte order), its
// type, permission bits and content hash (a symlink's target text; nothing for directories). Contents are
// streamed; modification times and owners are left out, as BuildKit's content checksums leave them out.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readlink, realpath } from 'node:fs/promises';
import { loadContextFilter } from './ignore.js';
import type { ContextOptions } from './measure.js';
import { walkContext, type ContextEntry } from './walk.js';

const PARALLEL_READS = 16;

async function contentHash(entry: ContextEntry): Promise<string> {
  const hash = createHash('sha256');
  if (entry.type === 'symlink') return hash.update(await readlink(entry.abs)).digest('hex');
  if (entry.type === 'dir') return '';
  try {
    for await (const chunk of createReadStream(entry.abs)) hash.update(chunk as Buffer);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`build context file ${entry.path}: cannot read it (${e.code ?? e.message})`);
  }
  return hash.digest('hex');
}

export async function hashContext(dir: string, options: ContextOptions = {}): Promise<string> {
  const root = await realpath(dir);
  const filter = await loadContextFilter(root, options.dockerfile);
  const entries: ContextEntry[] = [];
  for await (const entry of walkContext(root, filter)) entries.push(entry);
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hashes = new Array<string>(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      hashes[i] = await contentHash(entries[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, entries.length) }, worker));
  const total = createHash('sha256');
  // JSON-quoted paths: a name holding a newline cannot forge another entry.
  entries.forEach((e, i) => total.update(`${e.type} ${e.mode.toString(8)} ${JSON.stringify(e.path)} ${hashes[i]}\n`));
  return `sha256:${total.digest('hex')}`;
}
