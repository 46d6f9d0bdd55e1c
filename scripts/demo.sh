#!/usr/bin/env bash
# Quick start: runs nurserywatch on its built-in simulated nursery.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-node-deps.sh
exec node bin/nurserywatch.js demo "$@"
