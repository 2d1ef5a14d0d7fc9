// Tar entry names are hostile input: absolute paths, `..` traversal, `./` prefixes, doubled slashes. Every
// name becomes a relative POSIX path inside the image root. Nothing is ever written to disk; this only
// keeps the per-file bookkeeping honest.

/** `a/./b//../c` → `a/c`; `/etc/x` → `etc/x`; `../../etc/x` → `etc/x` (clamped at the root); root → ''. */
export function normaliseEntryPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

export function splitPath(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? { dir: '', base: path } : { dir: path.slice(0, slash), base: path.slice(slash + 1) };
}
