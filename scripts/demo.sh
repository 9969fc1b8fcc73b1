#!/usr/bin/env bash
# The README's first command: install, build, and show simmer working offline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
simmer=$PWD/build/simmer
"$simmer" --version
"$simmer" help
echo
echo "== simmer validate on examples/ =="
(cd examples/todo && "$simmer" validate)
