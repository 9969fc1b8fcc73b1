#!/usr/bin/env bash
# import reads Ralph's prd.json (branchName, no epics or dependencies); the dropped branchName is said on stderr.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
cp "$SIMMER_SOURCE_DIR/tests/fixtures/import/ralph-prd.json" prd.json
"$SIMMER" import prd.json > out.txt 2> err.txt
[ "$(cat out.txt)" = "wrote .simmer/prd.json: 2 stories (1 passed)" ] || { echo "unexpected: $(cat out.txt)"; exit 1; }
[ "$(cat err.txt)" = 'simmer: note: branchName "ralph/invoice-cli" is not used by simmer (dropped): simmer works on the branch you run it on' ] || { echo "unexpected: $(cat err.txt)"; exit 1; }
"$SIMMER" import prd.json --output - --force | python3 -c "import json,sys; d=json.load(sys.stdin); assert 'epics' not in d; assert d['stories'][0]['status']=='passed'"
echo "ok"
