// The registry client others use: refs, the HTTP API v2 client, typed errors, media types, image resolution.
export { parseImageRef, formatImageRef, manifestReference, apiHost, isLoopbackHost, DOCKER_HUB, type ImageRef } from './ref.js';
export { RegistryClient, nextLink, type RegistryClientOptions, type ManifestHead, type FetchedManifest } from './client.js';
export { RegistryError, RegistryDeleteUnsupportedError, DigestMismatchError } from './errors.js';
export { parseWwwAuthenticate, dockerCredentials, type Credentials, type Challenge } from './auth.js';
export { MEDIA_TYPES, MANIFEST_ACCEPT, isIndexMediaType, type Descriptor, type ImageManifest, type ImageIndex } from './media-types.js';
export { resolveImage, resolveImageLayers, pickPlatform, type ResolvedImage, type ImageConfig } from './resolve.js';
