#!/usr/bin/env bash
# `simmer to-prd --example` prints a template that to-prd itself reads (two stories, one epic), identical to the
# embedded templates/prd-example.md; without a PRD and without --example, to-prd says how to get one (exit 64).
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
"$SIMMER" to-prd --example > PRD.md
cmp PRD.md "$SIMMER_SOURCE_DIR/templates/prd-example.md" || fail "the example differs from the template"
out=$("$SIMMER" to-prd PRD.md)
[ "$out" = "wrote .simmer/prd.json: 2 stories, 1 epic" ] || fail "unexpected: $out"
[ "$(jq -r '[.stories[].id] | join(" ")' .simmer/prd.json)" = "US-001 US-002" ] || fail "ids"
[ "$(jq -c '.stories[1].dependencies' .simmer/prd.json)" = '["US-001"]' ] || fail "dependencies"

set +e
err=$("$SIMMER" to-prd 2>&1); rc=$?
set -e
[ "$rc" = 64 ] || fail "to-prd without a file: exit $rc"
[ "$err" = "simmer: error: to-prd needs a PRD file: simmer to-prd PRD.md (\`simmer to-prd --example\` prints a template)" ] \
  || fail "to-prd without a file: $err"
echo ok
