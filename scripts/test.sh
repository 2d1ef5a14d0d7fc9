#!/usr/bin/env bash
# The README's test command (`npm test`): unit tests, then integration tests on the real test bed, which is
# installed and started here when missing. Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
eval "$(bash scripts/testbed.sh --ctrd)"
bash scripts/debian-base.sh >/dev/null
results=$(mktemp -d)
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }
status=0
jest --selectProjects unit --json --outputFile "$results/unit.json" "$@" || status=$?
jest --selectProjects integration --runInBand --json --outputFile "$results/integration.json" "$@" || status=$?
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$results/unit.json" "$results/integration.json"
rm -rf "$results"
exit "$status"
