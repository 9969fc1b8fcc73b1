#!/usr/bin/env bash
# to-prd --agent: the configured builder (here the offline script agent) writes a draft prd.json; simmer finds its
# problems, asks for a repair with the exact messages, accepts the repaired draft (statuses forced to pending) and
# removes the draft. When the repairs run out: exit 2, the remaining problems, nothing written.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
cd "$work" && git init -q
printf 'We want a shop: a cart, then a checkout.\n' > notes.txt
python3 - <<'PY'
import json
def prd(deps, status):
    story = lambda i, t, d, s: {"id": i, "title": t, "description": "", "acceptanceCriteria": ["works"],
                                "priority": int(i[-1]), "dependencies": d, "epic": "", "notes": "", "status": s}
    return json.dumps({"schemaVersion": 1, "project": "Shop", "description": "A shop.",
                       "stories": [story("US-1", "Cart", [], status), story("US-2", "Checkout", deps, "pending")]})
good = {"schemaVersion": 1, "steps": [
    {"role": "builder", "repair": 0, "handoff": prd(["US-9"], "pending"), "say": "wrote it"},
    {"role": "builder", "repair": 1, "handoff": prd(["US-1"], "passed"), "say": "fixed it"}]}
bad = {"schemaVersion": 1, "steps": [{"role": "builder", "handoff": prd(["US-9"], "pending")}]}
json.dump(good, open("good.json", "w"))
json.dump(bad, open("bad.json", "w"))
PY
"$SIMMER" init --yes --builder script --scenario good.json --no-gates > /dev/null

out=$("$SIMMER" to-prd --agent notes.txt)
[ "$out" = "wrote .simmer/prd.json: 2 stories" ] || { echo "unexpected: $out"; exit 1; }
python3 -c "
import json; d = json.load(open('.simmer/prd.json'))
assert [s['status'] for s in d['stories']] == ['pending', 'pending'], d
assert d['stories'][1]['dependencies'] == ['US-1']"
[ ! -e .simmer/to-prd.draft.json ]

rm .simmer/prd.json
"$SIMMER" init --yes --force --builder script --scenario bad.json --no-gates > /dev/null
set +e
"$SIMMER" to-prd --agent --max-repairs 1 notes.txt > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" = 2 ] || { echo "exit $rc, expected 2"; cat err.txt; exit 1; }
expected='simmer: error: the agent'"'"'s prd.json is still invalid after 1 repair (.simmer/to-prd.draft.json): .simmer/to-prd.draft.json#/stories/1/dependencies/0: unknown dependency: expected the id of a story in this PRD, found "US-9"'
[ "$(cat err.txt)" = "$expected" ] || { echo "unexpected: $(cat err.txt)"; exit 1; }
[ ! -e .simmer/prd.json ] && [ ! -e .simmer/to-prd.draft.json ]
echo "ok"
