#!/usr/bin/env bash
# `simmer dashboard` outside a simmer project says so and exits 2.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q .
set +e
"$SIMMER" dashboard --port 0 > out.txt 2> err.txt; code=$?
set -e
[ "$code" = 2 ] || { echo "FAIL: exit $code" >&2; exit 1; }
[ "$(cat err.txt)" = 'simmer: error: no simmer project here (.simmer): run `simmer init` first' ] ||
  { echo "FAIL: $(cat err.txt)" >&2; exit 1; }
echo ok
