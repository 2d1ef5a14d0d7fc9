#!/usr/bin/env bash
# The README's test command (`npm test`): unit tests, then the integration suite on the real test bed (installed
# and started here when missing) once per default engine: Docker 28 with the classic image store, then Docker 28
# with the containerd image store. Tests that need a particular engine pick it themselves (the legacy frontend
# rules run on Docker 26). LAYERWISE_TEST_ENGINES chooses the default engines, from main, ctrd and 26
# (default "main ctrd"). Arguments go to jest. Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
eval "$(bash scripts/testbed.sh --ctrd --engine 26)"
bash scripts/debian-base.sh >/dev/null
results=$(mktemp -d)
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }
status=0
outputs=("$results/unit.json")
jest --selectProjects unit --json --outputFile "$results/unit.json" "$@" || status=$?
for engine in ${LAYERWISE_TEST_ENGINES:-main ctrd}; do
  case "$engine" in
    main) host=${LAYERWISE_ENGINE_HOST:-} ;;
    ctrd) host=${LAYERWISE_CTRD_HOST:-} ;;
    26) host=${LAYERWISE_ENGINE26_HOST:-} ;;
    *) echo "test.sh: LAYERWISE_TEST_ENGINES: unknown engine '$engine' (expected main, ctrd or 26)" >&2; exit 2 ;;
  esac
  if [ -z "$host" ]; then echo "test.sh: engine '$engine' is not running" >&2; status=1; continue; fi
  outputs+=("$results/integration-$engine.json")
  echo "integration tests with $host as the default engine ($(docker -H "$host" version --format '{{.Server.Version}}'))" >&2
  DOCKER_HOST=$host jest --selectProjects integration --runInBand --json --outputFile "$results/integration-$engine.json" "$@" ||
    status=$?
done
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "${outputs[@]}"
rm -rf "$results"
exit "$status"
