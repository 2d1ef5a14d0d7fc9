#!/usr/bin/env bash
# `npm run example`: runs layerwise's main job on examples/hello-c four times and prints the report of each:
#   1. cold: every stage built, its cache pushed;
#   2. a fresh CI runner (local images and BuildKit cache wiped; only the registry keeps the stage caches) after a
#      one-line source change, compared with run 1;
#   3. nothing changed: the build is skipped and the image measured from the registry;
#   4. a change that installs git without cleaning up: the growth budget fails and the hints say what to do.
# Each run's JSON report and PR-comment Markdown are kept in $LAYERWISE_EXAMPLE_OUT (default
# ${TMPDIR:-/tmp}/layerwise-example): report-N.json, comment-N.md. Sets up what it needs (test bed, base image).
#
# It wipes this machine's BuildKit cache and the example's images before run 2; set LAYERWISE_EXAMPLE_KEEP_CACHE=1
# to skip that on a machine whose build cache you want to keep.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
eval "$(bash scripts/testbed.sh)"
BASE=$(bash scripts/debian-base.sh)
[ -f dist/cli.js ] || npm run bundle

out=${LAYERWISE_EXAMPLE_OUT:-${TMPDIR:-/tmp}/layerwise-example}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/hello-c/. "$work/"
run_id=$(date +%s)
cache_repo="$LAYERWISE_REGISTRY/layerwise-example-$run_id-buildcache"
layerwise() {
  local n=$1
  shift
  node dist/cli.js run --file "$work/Dockerfile" --context "$work" --cache-repo "$cache_repo" --scope br-main \
    --image-key hello-c --max-size 150MB --max-growth 1MB,5% \
    --json "$out/report-$n.json" --markdown "$out/comment-$n.md" "$@"
}

fresh_runner() {
  if [ "${LAYERWISE_EXAMPLE_KEEP_CACHE:-0}" = 1 ]; then echo "(keeping the build cache: not a fresh runner)"; return; fi
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^($cache_repo|$BASE)" | xargs -r docker image rm -f >/dev/null
  docker builder prune -af >/dev/null
}

echo "━━ 1/4 cold build: every stage built, its cache pushed to $cache_repo"
layerwise 1 || true
echo
echo "━━ 2/4 fresh runner (no local images, no build cache) after a source change: stage caches come from the registry"
fresh_runner
sed -i 's/hello from a layerwise-built image/hello again from a layerwise-built image/' "$work/src/greeting.c"
layerwise 2 --baseline "$out/report-1.json" || true
echo
echo "━━ 3/4 nothing changed: an image for the same inputs is in the cache repository, so the build is skipped"
layerwise 3 --baseline "$out/report-2.json" || true
echo
echo "━━ 4/4 the runtime stage installs git (with recommends) and cleans nothing up: the growth budget fails (exit 1 is expected)"
sed -i 's/apt-get install -y --no-install-recommends ca-certificates/apt-get install -y ca-certificates git/' "$work/Dockerfile"
layerwise 4 --baseline "$out/report-2.json" || true
echo
echo "Reports and the PR comments as Markdown: $out (report-N.json, comment-N.md)"
