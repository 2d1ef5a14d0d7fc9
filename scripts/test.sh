#!/usr/bin/env bash
# The README's test command: unit tests, then integration tests on the test bed (started here if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
eval "$(bash scripts/testbed.sh --ctrd)"
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit "$@"
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration --runInBand "$@"
