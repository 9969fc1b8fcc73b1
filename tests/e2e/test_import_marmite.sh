#!/usr/bin/env bash
# import converts a marmite prd.json (epics, dependencies, passes) into simmer's: passed stories stay passed.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
cp "$SIMMER_SOURCE_DIR/tests/fixtures/import/marmite-prd.json" old-prd.json
out=$("$SIMMER" import old-prd.json)
[ "$out" = "wrote .simmer/prd.json: 4 stories (2 passed), 2 epics" ] || { echo "unexpected: $out"; exit 1; }
python3 - <<'PY'
import json
d = json.load(open('.simmer/prd.json'))
assert d['schemaVersion'] == 1 and d['project'] == 'Recipe Box'
assert [s['status'] for s in d['stories']] == ['passed', 'passed', 'pending', 'pending']
assert d['stories'][2]['epic'] == 'scaling'
assert d['epics'][0] == {'id': 'recipe-basics', 'title': 'Recipe Basics'}
PY
# Importing again is a no-op, and the result is canonical (sorted keys, 2 spaces, final newline).
out=$("$SIMMER" import old-prd.json)
[ "$out" = "unchanged: .simmer/prd.json already holds this PRD (4 stories (2 passed), 2 epics)" ] || { echo "unexpected: $out"; exit 1; }
python3 -c "import json,sys; t=open('.simmer/prd.json').read(); assert t == json.dumps(json.loads(t), indent=2, sort_keys=True, ensure_ascii=False) + '\n'"
echo "ok"
