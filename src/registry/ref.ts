// Image references with Docker's normalisation (distribution/reference): `busybox` → docker.io/library/busybox,
// `index.docker.io/x` → docker.io/x. A first path component is a registry host only when it contains `.` or
// `:`, is `localhost`, or has an upper-case letter — exactly as `docker pull` decides.
import { InputError } from '../core/errors.js';

export interface ImageRef {
  /** Registry host as written (docker.io for Docker Hub), with port when given. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;

function bad(ref: string, why: string): InputError {
  return new InputError(`image reference '${ref}': ${why}`);
}

export function parseImageRef(ref: string): ImageRef {
  const input = ref.trim();
  if (!input) throw bad(ref, 'expected [registry/]repository[:tag][@digest], got an empty string');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(ref, `digest '${digest}' is not algorithm:hex (e.g. sha256:…)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(ref, `tag '${tag}' must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const slash = rest.indexOf('/');
  let registry = DOCKER_HUB;
  let repository = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
      if (!HOST.test(registry)) throw bad(ref, `registry host '${registry}' is not a valid host[:port]`);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository) throw bad(ref, 'the repository name is empty');
  if (repository !== repository.toLowerCase()) throw bad(ref, `repository name '${repository}' must be lowercase`);
  for (const part of repository.split('/')) {
    if (!PATH_COMPONENT.test(part)) {
      throw bad(ref, `repository path component '${part}' must be lowercase letters, digits and single separators (. _ __ -)`);
    }
  }
  if (registry.length + 1 + repository.length > 255) throw bad(ref, 'the repository name is longer than 255 characters');
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** What to ask the registry for: the digest when pinned, else the tag (`latest` when neither is given). */
export function manifestReference(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** Canonical string form: `registry/repository[:tag][@digest]`. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Host the Registry API is served from: Docker Hub's API lives on registry-1.docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** Loopback registries are spoken to over plain http, like dockerd's default insecure list. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
