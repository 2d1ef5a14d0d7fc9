// .dockerignore with Docker's semantics (moby/patternmatcher via @balena/dockerignore): patterns are relative
// to the context root, case-sensitive, `!` re-includes, a matched directory excludes everything under it.
// BuildKit prefers `<Dockerfile>.dockerignore` next to the Dockerfile over the context's `.dockerignore`.
import dockerignore from '@balena/dockerignore';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';

export interface ContextFilter {
  /** The ignore file that was applied (relative to the context, or absolute outside it), if any. */
  source?: string;
  patterns: string[];
  /** True when a context-relative path (forward slashes) is excluded. */
  excludes(path: string): boolean;
  /** False when an excluded directory cannot hold an exception, so the walk may skip it whole. */
  mayHoldException(dir: string): boolean;
  /** Always sent whatever the patterns say: the Dockerfile and the ignore file (when inside the context). */
  alwaysKept: Set<string>;
}

export function parseIgnoreFile(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function makeFilter(patterns: string[], alwaysKept: string[] = [], source?: string): ContextFilter {
  // The package is CommonJS with `factory.default = factory`; `.default` works under Node, jest and esbuild alike.
  const matcher = dockerignore.default({ ignorecase: false }).add(patterns);
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/^\/+/, '').replace(/^\.\//, ''));
  return {
    source,
    patterns,
    alwaysKept: new Set(alwaysKept),
    excludes: (path) => matcher.ignores(path),
    mayHoldException(dir) {
      if (alwaysKept.some((k) => k.startsWith(`${dir}/`))) return true;
      return exceptions.some((p) => {
        if (p.startsWith(`${dir}/`)) return true;
        const wild = p.search(/[*?[\\]/);
        if (wild < 0) return false;
        const literal = p.slice(0, wild);
        return dir.startsWith(literal) || literal.startsWith(`${dir}/`);
      });
    },
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The filter for a context directory. `dockerfile` is the Dockerfile path as `docker build -f` takes it
 * (relative to the working directory; default `<context>/Dockerfile`); it selects `<Dockerfile>.dockerignore`
 * when present and is always kept.
 */
export async function loadContextFilter(contextDir: string, dockerfile?: string): Promise<ContextFilter> {
  const given = dockerfile === undefined ? join(contextDir, 'Dockerfile') : resolve(dockerfile);
  // The context root arrives as a real path; resolve the Dockerfile's links too so `relative` agrees.
  const dockerfileAbs = await realpath(given).catch(() => given);
  const inside = (abs: string) => {
    const rel = relative(contextDir, abs);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : undefined;
  };
  const kept = [inside(dockerfileAbs), '.dockerignore'].filter((p): p is string => !!p);
  const specific = `${dockerfileAbs}.dockerignore`;
  const specificText = await readIfExists(specific);
  if (specificText !== undefined) return makeFilter(parseIgnoreFile(specificText), [...kept, ...(inside(specific) ? [inside(specific)!] : [])], inside(specific) ?? specific);
  const text = await readIfExists(join(contextDir, '.dockerignore'));
  if (text === undefined) return makeFilter([], kept);
  return makeFilter(parseIgnoreFile(text), kept, '.dockerignore');
}
