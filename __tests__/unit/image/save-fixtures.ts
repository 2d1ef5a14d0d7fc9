// Whole `docker save` archives in the three layouts, built from layer tars in memory.
import { archive, gzip, sha256 } from './fixtures.js';

export interface FixtureImage {
  layers: Buffer[]; // uncompressed layer tars, bottom first
  history?: unknown[];
  platform?: { os: string; architecture: string; variant?: string };
}

export function configFor(img: FixtureImage): Buffer {
  const p = img.platform ?? { os: 'linux', architecture: 'amd64' };
  return Buffer.from(JSON.stringify({
    ...p,
    rootfs: { type: 'layers', diff_ids: img.layers.map(sha256) },
    history: img.history ?? img.layers.map((_, i) => ({ created_by: `RUN /bin/sh -c step${i} # buildkit` })),
  }));
}

const hex = (d: string) => d.slice('sha256:'.length);

/** Docker ≤ 24: `<id>/layer.tar`, `<config>.json`, manifest.json (written after the layers). */
export async function legacySave(img: FixtureImage, tag = 'app:1'): Promise<Buffer> {
  const config = configFor(img);
  const ids = img.layers.map((l, i) => hex(sha256(Buffer.concat([l, Buffer.from([i])]))));
  return archive([
    ...img.layers.flatMap((l, i) => [{ name: `${ids[i]}/VERSION`, body: '1.0' }, { name: `${ids[i]}/json`, body: '{"id":"x"}' }, { name: `${ids[i]}/layer.tar`, body: l }]),
    { name: `${hex(sha256(config))}.json`, body: config },
    { name: 'manifest.json', body: JSON.stringify([{ Config: `${hex(sha256(config))}.json`, RepoTags: [tag], Layers: ids.map((id) => `${id}/layer.tar`) }]) },
    { name: 'repositories', body: JSON.stringify({ app: { 1: ids[ids.length - 1] } }) },
  ]);
}

/** Docker 25+ classic store: uncompressed blobs named by DiffID, OCI index + manifest.json, blobs first. */
export async function docker25Save(img: FixtureImage, opts: { brokenOciManifest?: boolean; reverseBlobs?: boolean } = {}): Promise<Buffer> {
  const config = configFor(img);
  const layerDescs = img.layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(l), size: l.length }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: opts.brokenOciManifest ? [] : layerDescs, // Docker 25.0.0 wrote manifests with no layers (moby#47065)
  }));
  const blobs = [...img.layers.map((l) => ({ name: `blobs/sha256/${hex(sha256(l))}`, body: l })), { name: `blobs/sha256/${hex(sha256(config))}`, body: config }, { name: `blobs/sha256/${hex(sha256(manifest))}`, body: manifest }];
  if (opts.reverseBlobs) blobs.reverse();
  return archive([
    ...blobs,
    { name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'io.containerd.image.name': 'docker.io/library/app:1' } }] }) },
    { name: 'manifest.json', body: JSON.stringify([{ Config: `blobs/sha256/${hex(sha256(config))}`, RepoTags: ['app:1'], Layers: img.layers.map((l) => `blobs/sha256/${hex(sha256(l))}`) }]) },
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
  ]);
}

/** containerd store: gzip blobs, index.json → nested index (platforms + attestation) → manifest. */
export async function containerdSave(images: FixtureImage[], opts: { omitManifestJson?: boolean } = {}): Promise<Buffer> {
  const members: { name: string; body: Buffer | string }[] = [];
  const descs = images.map((img) => {
    const config = configFor(img);
    const gz = img.layers.map((l) => gzip(l));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: gz.map((g) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(g), size: g.length })),
    }));
    gz.forEach((g) => members.push({ name: `blobs/sha256/${hex(sha256(g))}`, body: g }));
    members.push({ name: `blobs/sha256/${hex(sha256(config))}`, body: config }, { name: `blobs/sha256/${hex(sha256(manifest))}`, body: manifest });
    return { config, gz, desc: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, platform: img.platform ?? { os: 'linux', architecture: 'amd64' } } };
  });
  // An attestation manifest whose "layer" is in-toto JSON, listed first to make sure it is skipped.
  const statement = Buffer.from('{"_type":"https://in-toto.io/Statement/v0.1"}');
  const attCfg = Buffer.from('{"architecture":"unknown","os":"unknown"}');
  const att = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(attCfg), size: attCfg.length }, layers: [{ mediaType: 'application/vnd.in-toto+json', digest: sha256(statement), size: statement.length }] }));
  members.push({ name: `blobs/sha256/${hex(sha256(statement))}`, body: statement }, { name: `blobs/sha256/${hex(sha256(attCfg))}`, body: attCfg }, { name: `blobs/sha256/${hex(sha256(att))}`, body: att });
  const nested = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(att), size: att.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      ...descs.map((d) => d.desc),
    ],
  }));
  members.push({ name: `blobs/sha256/${hex(sha256(nested))}`, body: nested });
  members.push({ name: 'index.json', body: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(nested), size: nested.length, annotations: { 'io.containerd.image.name': 'docker.io/library/app:1', 'org.opencontainers.image.ref.name': '1' } }] }) });
  if (!opts.omitManifestJson) {
    const first = descs[0];
    members.push({ name: 'manifest.json', body: JSON.stringify([{ Config: `blobs/sha256/${hex(sha256(first.config))}`, RepoTags: ['app:1'], Layers: first.gz.map((g) => `blobs/sha256/${hex(sha256(g))}`) }]) });
  }
  members.push({ name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' });
  return archive(members);
}
