#!/usr/bin/env bash
# Run again, init reconfigures from the current simmer.json: unchanged with --yes, a changed answer is shown as a
# diff and kept unless --force, and hand-written keys it does not ask about survive.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
cd "$work" && git init -q
"$SIMMER" init --yes --builder script --scenario s.json --no-gates > /dev/null
python3 - <<'PY'
import json
c = json.load(open('simmer.json'))
c["budget"]["total"] = 42.0
c["retries"] = {"fix": 1}
open('simmer.json', 'w').write(json.dumps(c, indent=2, sort_keys=True) + "\n")
PY
cp simmer.json before.json

"$SIMMER" init --yes > out.txt
head -1 out.txt | grep -qx 'unchanged  simmer.json'
cmp simmer.json before.json

"$SIMMER" init --yes --budget-total 7 > out.txt 2> err.txt
head -1 out.txt | grep -qx 'kept       simmer.json'
grep -qx 'note: simmer.json differs from your answers and was kept; run `simmer init --force` to replace it' out.txt
grep -qx -- '-    "total": 42.0' err.txt
grep -qx -- '+    "total": 7.0' err.txt
cmp simmer.json before.json

"$SIMMER" init --yes --force --budget-total 7 > out.txt
head -1 out.txt | grep -qx 'updated    simmer.json'
python3 - <<'PY'
import json
c = json.load(open('simmer.json'))
assert c["budget"]["total"] == 7.0 and c["retries"] == {"fix": 1}, c
assert c["agents"]["builder"] == {"agent": "script", "scenario": "s.json"}, c["agents"]
PY
echo "ok"
