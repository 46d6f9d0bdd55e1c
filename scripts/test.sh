#!/usr/bin/env bash
# Quick start: installs what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-node-deps.sh
scripts/ensure-system-deps.sh
exec npm test "$@"
