#!/usr/bin/env bash
# `npm run example`: runs layerwise's main job on examples/hello-c twice — cold, then as a fresh CI runner
# would after a one-line source change (local images and BuildKit cache wiped; only the registry keeps the
# stage caches) — and prints the report of each run. Sets up what it needs (test bed, base image) first.
#
# It wipes this machine's BuildKit cache and the example's images between the runs; set
# LAYERWISE_EXAMPLE_KEEP_CACHE=1 to skip that on a machine whose build cache you want to keep.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
eval "$(bash scripts/testbed.sh)"
BASE=$(bash scripts/debian-base.sh)
[ -f dist/cli.js ] || npm run bundle

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/hello-c/. "$work/"
run_id=$(date +%s)
cache_repo="$LAYERWISE_REGISTRY/layerwise-example-$run_id-buildcache"
layerwise() {
  node dist/cli.js run --file "$work/Dockerfile" --context "$work" --cache-repo "$cache_repo" --scope br-main \
    --image-key hello-c --max-size 150MB --max-growth 1MB,10% --no-skip-unchanged \
    --json "$work/report-$1.json" "${@:2}"
}

fresh_runner() {
  if [ "${LAYERWISE_EXAMPLE_KEEP_CACHE:-0}" = 1 ]; then echo "(keeping the build cache: not a fresh runner)"; return; fi
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^($cache_repo|$BASE)" | xargs -r docker image rm -f >/dev/null
  docker builder prune -af >/dev/null
}

echo "━━ 1/2 cold build: every stage built, its cache pushed to $cache_repo"
layerwise 1 || true
echo
echo "━━ 2/2 fresh runner (no local images, no build cache) after a source change: stage caches come from the registry"
fresh_runner
sed -i 's/hello from a layerwise-built image/hello again from a layerwise-built image/' "$work/src/greeting.c"
layerwise 2 --baseline "$work/report-1.json"
