// Image reference grammar (distribution/reference, as BuildKit's ParseNormalizedNamed applies it), so a base
// image or `--from` value the engine would refuse is reported before a build starts.

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);

/** Why `ref` is not a valid image reference, or undefined when it is one. */
export function invalidReference(ref: string): string | undefined {
  let rest = ref;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!DIGEST_RE.test(rest.slice(at + 1))) return 'invalid digest';
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash && colon >= 0) {
    if (!TAG_RE.test(rest.slice(colon + 1))) return 'invalid tag';
    rest = rest.slice(0, colon);
  }
  // The first component is a registry when it has a dot or port, is localhost, or is not lower-case.
  let path = rest;
  const first = rest.indexOf('/');
  if (first >= 0) {
    const head = rest.slice(0, first);
    if (/[.:]/.test(head) || head === 'localhost' || head.toLowerCase() !== head) {
      if (!DOMAIN_RE.test(head)) return 'invalid registry host';
      path = rest.slice(first + 1);
    }
  }
  if (path.length === 0 || ref.length > 255 + 128 + 80) return 'invalid reference format';
  if (!PATH_RE.test(path)) return PATH_RE.test(path.toLowerCase()) ? 'repository name must be lowercase' : 'invalid reference format';
  return undefined;
}
