// Registry failures as typed errors: callers decide whether a problem is fatal or a warning. Messages are one
// line and never contain credentials or tokens (we never put them in URLs, and never echo request headers).

export class RegistryError extends Error {
  /** HTTP status; 0 when the registry could not be reached at all. */
  readonly status: number;
  /** The registry's error code (e.g. MANIFEST_UNKNOWN, UNAUTHORIZED) when it sent one. */
  readonly code?: string;
  readonly registry: string;
  constructor(message: string, opts: { status: number; registry: string; code?: string }) {
    super(message);
    this.name = 'RegistryError';
    this.status = opts.status;
    this.code = opts.code;
    this.registry = opts.registry;
  }
}

/** The registry refuses deletion (distribution answers 405 UNSUPPORTED unless `storage.delete.enabled`). */
export class RegistryDeleteUnsupportedError extends RegistryError {
  constructor(registry: string, repository: string, status: number, code?: string, advice?: string) {
    super(
      `registry ${registry} does not allow deleting manifests (${status}${code ? ` ${code}` : ''} on ${repository}); ` +
        (advice ?? deletionAdvice(registry)),
      { status, registry, code },
    );
    this.name = 'RegistryDeleteUnsupportedError';
  }
}

/** What to do instead, for registries known to refuse the Registry API's DELETE. */
export function deletionAdvice(registry: string): string {
  if (registry === 'ghcr.io') return 'ghcr.io deletes through the GitHub Packages API: give prune a GitHub token with packages: write (GITHUB_TOKEN or GH_TOKEN)';
  if (registry === 'docker.io') return 'Docker Hub does not support deletion over the Registry API: delete tags in Docker Hub itself';
  return 'enable deletion on the registry (distribution: storage.delete.enabled=true) or clean up with its own tools';
}

/** Content did not match the digest it was asked for: a broken or hostile registry. */
export class DigestMismatchError extends RegistryError {
  constructor(registry: string, what: string, expected: string, actual: string) {
    super(`registry ${registry}: ${what} has digest ${actual}, expected ${expected}`, { status: 0, registry, code: 'DIGEST_INVALID' });
    this.name = 'DigestMismatchError';
  }
}
