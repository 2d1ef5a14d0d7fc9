#!/usr/bin/env bash
# Makes a minimal Debian bookworm base image (debootstrap --variant=minbase + docker import) and pushes it to
# the test bed registry, because Docker Hub is out of reach here. Skips all work when the registry has it.
#   scripts/debian-base.sh   → prints the image ref
set -euo pipefail
BED=${LAYERWISE_BED:-/var/tmp/layerwise-bed}
REGISTRY=${LAYERWISE_REGISTRY:-localhost:5000}
REF=$REGISTRY/layerwise-test/debian:bookworm
log() { echo "debian-base: $*" >&2; }

has_manifest() {
  curl -fsS -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/layerwise-test/debian/manifests/bookworm" 2>/dev/null
}

if has_manifest; then echo "$REF"; exit 0; fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
command -v debootstrap >/dev/null || {
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends debootstrap >&2
}
mirror=$({ sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true; } | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
root=$BED/debian-rootfs
as_root rm -rf "$root"
log "debootstrap bookworm into $root from $mirror"
as_root debootstrap --variant=minbase bookworm "$root" "$mirror" >"$BED/debootstrap.log" 2>&1 || {
  tail -n 20 "$BED/debootstrap.log" >&2; exit 1; }
# Images start without apt lists or downloaded .debs, like the official ones.
as_root rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
as_root tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$REF" >/dev/null
docker push -q "$REF" >/dev/null
as_root rm -rf "$root"
log "pushed $REF"
echo "$REF"
