#!/usr/bin/env bash
# A prd.json with progress is never replaced silently: refused (exit 1, file untouched), --merge keeps the status of
# unchanged stories and reports the rest, --force replaces.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
cp "$SIMMER_SOURCE_DIR/tests/fixtures/prd_md/good/marmite-style.md" PRD.md
"$SIMMER" to-prd PRD.md > /dev/null
# Mark US-001 passed and US-003 blocked, as the harness would.
python3 - <<'PY'
import json
d = json.load(open('.simmer/prd.json'))
d['stories'][0]['status'] = 'passed'
d['stories'][2]['status'] = 'blocked'
d['stories'][2]['blockedReason'] = 'verifier gave up'
open('.simmer/prd.json', 'w').write(json.dumps(d, indent=2, sort_keys=True) + '\n')
PY
cp .simmer/prd.json before.json
sed -i 's/Quantities of zero are shown greyed out/Quantities of zero are shown in grey/' PRD.md

set +e
"$SIMMER" to-prd PRD.md 2> err.txt
rc=$?
set -e
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; exit 1; }
expected='simmer: error: refusing to replace the PRD (.simmer/prd.json): it has progress (1 story passed, 1 story blocked); use --merge to keep the progress of unchanged stories or --force to discard it'
[ "$(cat err.txt)" = "$expected" ] || { echo "unexpected: $(cat err.txt)"; exit 1; }
cmp .simmer/prd.json before.json

out=$("$SIMMER" to-prd PRD.md --merge)
expected='merged into .simmer/prd.json: 0 added, 1 changed, 0 removed, 2 kept; 3 stories (1 passed, 1 blocked), 2 epics
  changed (reset to pending): US-002'
[ "$out" = "$expected" ] || { echo "unexpected: $out"; exit 1; }
python3 - <<'PY'
import json
s = json.load(open('.simmer/prd.json'))['stories']
assert [x['status'] for x in s] == ['passed', 'pending', 'blocked'], s
assert s[2]['blockedReason'] == 'verifier gave up'
PY

out=$("$SIMMER" to-prd PRD.md --force)
[ "$out" = "replaced .simmer/prd.json: 3 stories, 2 epics" ] || { echo "unexpected: $out"; exit 1; }
! grep -q '"passed"' .simmer/prd.json
echo "ok"
