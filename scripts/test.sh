#!/usr/bin/env bash
# Quick start: installs what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-node-deps.sh
scripts/ensure-system-deps.sh

# Every process the tests start inherits this tag. vitest's global teardown fails the run if a
# test left one behind; this sweep also catches what outlives vitest itself (a crash, Ctrl-C).
NW_TEST_RUN="$(node -e 'console.log(require("node:crypto").randomUUID())')"
export NW_TEST_RUN
sweep() {
  local pid
  for pid in $(grep -lzx "NW_TEST_RUN=$NW_TEST_RUN" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
    [ "$pid" != "$$" ] && kill -9 "$pid" 2>/dev/null || true
  done
}
trap sweep EXIT
npm test "$@"
