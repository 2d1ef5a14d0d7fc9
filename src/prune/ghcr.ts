// ghcr.io refuses the Registry API's DELETE (405 UNSUPPORTED); its manifests are "package versions" deleted
// through the GitHub Packages REST API. Versions are listed once (paginated), matched by digest, deleted by id.
import type { Octokit } from '../github/octokit.js';
import { RegistryDeleteUnsupportedError } from '../registry/errors.js';
import { parseImageRef } from '../registry/ref.js';

/** Deletes one manifest by digest; false when it was already gone. RegistryClient is one. */
export interface ManifestDeleter {
  deleteManifest(repo: string, digest: string): Promise<boolean>;
}

interface Versions {
  owner: { org: string } | { username: string };
  ids: Map<string, number>;
}

export function ghcrDeleter(octokit: Octokit, cacheRepo: string): ManifestDeleter {
  const ref = parseImageRef(cacheRepo);
  const [owner, ...rest] = ref.repository.split('/');
  const base = { package_type: 'container' as const, package_name: rest.join('/') };
  const refused = (err: unknown): never => {
    const e = err as { status?: number; message?: string };
    if (e.status === 401 || e.status === 403) {
      throw new RegistryDeleteUnsupportedError(
        ref.registry,
        ref.repository,
        e.status,
        'FORBIDDEN',
        `GitHub refused (${(e.message ?? '').split('\n')[0].slice(0, 160)}); the token needs packages: write (and admin rights on the package)`,
      );
    }
    throw err;
  };
  let versions: Promise<Versions> | undefined;
  const load = async (): Promise<Versions> => {
    const collect = (list: { id: number; name: string }[]) => new Map(list.map((v) => [v.name, v.id]));
    try {
      const list = await octokit.paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByOrg, { ...base, org: owner, per_page: 100 });
      return { owner: { org: owner }, ids: collect(list) };
    } catch (err) {
      if ((err as { status?: number }).status !== 404) return refused(err);
    }
    // Not an organisation's package: a user's.
    const list = await octokit
      .paginate(octokit.rest.packages.getAllPackageVersionsForPackageOwnedByUser, { ...base, username: owner, per_page: 100 })
      .catch(refused);
    return { owner: { username: owner }, ids: collect(list) };
  };
  return {
    async deleteManifest(_repo, digest) {
      const v = await (versions ??= load());
      const id = v.ids.get(digest);
      if (id === undefined) return false;
      try {
        if ('org' in v.owner) await octokit.rest.packages.deletePackageVersionForOrg({ ...base, org: v.owner.org, package_version_id: id });
        else await octokit.rest.packages.deletePackageVersionForUser({ ...base, username: v.owner.username, package_version_id: id });
      } catch (err) {
        if ((err as { status?: number }).status === 404) return false;
        refused(err);
      }
      v.ids.delete(digest);
      return true;
    },
  };
}
