// What `layerwise analyze X` (and --baseline X) means: stdin, a saved tar, or an image reference. Decided
// here, before anything talks to a daemon: a mistyped path must not reach Docker's API as an image name
// (`/images//nonexistent/json` is redirected, and the redirect crashed the process).
import { InputError } from '../core/errors.js';
import { parseImageRef } from '../registry/ref.js';

export type ImageArgument = { kind: 'stdin' } | { kind: 'file'; path: string } | { kind: 'ref'; ref: string };

export type PathKind = 'file' | 'directory' | 'other' | undefined;

const ARCHIVE_SUFFIX = /\.(tar|tar\.gz|tgz|tar\.zst|oci)$/i;

/** Written as a path: `/x`, `./x`, `../x`, `~/x`, `.`, a backslash, or an archive file suffix. */
export function looksLikePath(arg: string): boolean {
  return /^(\.{1,2}|~)?\//.test(arg) || arg === '.' || arg === '..' || arg.includes('\\') || (ARCHIVE_SUFFIX.test(arg) && !arg.includes(':'));
}

/**
 * `arg` as the user typed it; `kindOf` says what is at that path (resolved by the caller). An existing
 * regular file wins; a path-like argument that is not one is an error; anything else must be a valid image
 * reference (the daemon's own lookup then says whether it has the image).
 */
export function classifyImageArgument(arg: string, kindOf: (arg: string) => PathKind, flag = 'layerwise analyze'): ImageArgument {
  if (arg === '-') return { kind: 'stdin' };
  const kind = kindOf(arg);
  if (kind === 'file') return { kind: 'file', path: arg };
  if (looksLikePath(arg)) {
    if (kind === 'directory') throw new InputError(`${flag}: ${arg}: is a directory (expected a \`docker save\` tar file, or an image name)`);
    if (kind) throw new InputError(`${flag}: ${arg}: not a regular file (expected a \`docker save\` tar file, or an image name)`);
    throw new InputError(`${flag}: ${arg}: no such file (expected a \`docker save\` tar, or an image name)`);
  }
  try {
    parseImageRef(arg);
  } catch (err) {
    const why = (err as Error).message.replace(/^image reference '.*?': /, '');
    throw new InputError(`${flag}: '${arg}' is not a file here and not an image reference (${why})`);
  }
  return { kind: 'ref', ref: arg };
}
