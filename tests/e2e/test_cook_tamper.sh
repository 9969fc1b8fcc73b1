#!/usr/bin/env bash
# A builder that edits prd.json (a file the harness owns) is caught: the change is journaled and undone.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"sed -i s/pending/passed/ .simmer/prd.json"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
grep -qx "simmer: warning: .simmer/prd.json was changed during the builder's session; restored" out.txt || fail "no tamper warning: $(cat out.txt)"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep -q '"file":".simmer/prd.json"' || fail "no tamper_detected event"
# The story still went through VERIFY: the agent's "passed" did not count.
grep -q '"kind":"verdict"' .simmer/events.jsonl || fail "the story skipped VERIFY"
check_journal
