#!/usr/bin/env bash
# ctest browser.<name>: checks what the browser test tests/browser/<name>.mjs needs, then runs it (it installs
# nothing itself). Usage: run.sh NAME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: run.sh NAME}
pw="$SIMMER_SOURCE_DIR/tools/browser/node_modules/playwright-core"
command -v node > /dev/null || { echo "SKIPPED: node is not installed"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "SKIPPED: /usr/bin/chromium is missing (scripts/install-deps.sh --tests)"; exit 77; }
[ -d "$pw" ] || { echo "SKIPPED: playwright-core is not installed in tools/browser (scripts/install-deps.sh --tests)"; exit 77; }
if [ "$name" = dashboard_live ]; then
  command -v cc > /dev/null && command -v make > /dev/null || { echo "SKIPPED: the todo demo needs cc and make"; exit 77; }
fi
mkdir -p "$SIMMER_TEST_OUT"
exec node "$here/$name.mjs"
