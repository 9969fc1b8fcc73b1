#!/usr/bin/env bash
# A broken source prd.json: exit 2, each problem named by its JSON pointer in the source, nothing written.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
check() {  # file expected-stderr
  set +e
  "$SIMMER" import "$1" > /dev/null 2> err.txt
  rc=$?
  set -e
  [ "$rc" = 2 ] || { echo "$1: exit $rc, expected 2"; exit 1; }
  [ "$(cat err.txt)" = "$2" ] || { echo "$1: unexpected: $(cat err.txt)"; exit 1; }
  [ ! -e .simmer ] || { echo "$1: wrote .simmer/"; exit 1; }
}
cp "$SIMMER_SOURCE_DIR/tests/fixtures/import/bad-dependency.json" dep.json
check dep.json 'simmer: error: dep.json#/userStories/1/dependencies: US-002 depends on US-012, which does not exist'
printf '{"userStories": [\n  {"id": "US-001",}\n]}\n' > syntax.json
check syntax.json "$(set +e; "$SIMMER" import syntax.json 2>&1 >/dev/null | head -1)"
grep -q '^simmer: error: syntax.json:2:' err.txt
check missing.json 'simmer: error: cannot read missing.json: No such file or directory'
echo "ok"
