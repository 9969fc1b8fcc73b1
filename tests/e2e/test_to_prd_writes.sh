#!/usr/bin/env bash
# to-prd turns a marmite-style markdown PRD into .simmer/prd.json, byte-identical on every run; `--output -` prints
# the same bytes to stdout.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
fixture="$SIMMER_SOURCE_DIR/tests/fixtures/prd_md/good/marmite-style.md"
golden="$SIMMER_SOURCE_DIR/tests/fixtures/prd_md/good/marmite-style.json"
cp "$fixture" PRD.md

out=$("$SIMMER" to-prd PRD.md)
[ "$out" = "wrote .simmer/prd.json: 3 stories, 2 epics" ] || { echo "unexpected: $out"; exit 1; }
cmp .simmer/prd.json "$golden"

out=$("$SIMMER" to-prd PRD.md)
[ "$out" = "unchanged: .simmer/prd.json already holds this PRD (3 stories, 2 epics)" ] || { echo "unexpected: $out"; exit 1; }

"$SIMMER" to-prd PRD.md --output - > printed.json
cmp printed.json "$golden"

"$SIMMER" to-prd PRD.md --output custom/prd.json --json > summary.json
cmp custom/prd.json "$golden"
grep -q '"action": "created"' summary.json
grep -q '"output": "custom/prd.json"' summary.json
echo "ok"
