#!/usr/bin/env bash
# doctor --probe makes a one-turn live call through each configured agent (the offline script agent here): an
# answering agent is [ok] with its reply, a failing one is [fail] with the reason.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
cd "$work" && git init -q -b main
cat > s.json <<'JSON'
{"schemaVersion": 1, "steps": [
  {"role": "builder", "say": "ready"},
  {"role": "verifier", "outcome": "fatal", "say": "authentication failed"}
]}
JSON
"$SIMMER" init --yes --builder script --verifier script --scenario s.json --no-gates > /dev/null
set +e
NO_COLOR=1 "$SIMMER" doctor --probe > ../out.txt
rc=$?
set -e
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; cat ../out.txt; exit 1; }
grep -qx '\[ok\]   agent.builder: script (scenario s.json): the probe call answered "ready"' ../out.txt || { cat ../out.txt; exit 1; }
grep -q '^\[fail\] agent.verifier: script (scenario s.json): the probe call failed (fatal)' ../out.txt || { cat ../out.txt; exit 1; }
# Without --probe nothing is called: both are found.
NO_COLOR=1 "$SIMMER" doctor > ../out.txt || true
grep -qx '\[ok\]   agent.verifier: script (scenario s.json)' ../out.txt
[ -z "$(ls .simmer/sessions/doctor 2>/dev/null | grep handoff || true)" ]
echo "ok"
