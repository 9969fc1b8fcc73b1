#!/usr/bin/env bash
# fail_abort blocks the story at once with its reason; the loop goes on with the others; exit 11.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
write_scenario '[{"role":"verifier","story":"S-1","handoff":{"verdict":"fail_abort","summary":"the criteria contradict each other"}}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "cook exit code ($(cat out.txt))"
expect_eq "$(story_status S-1)" "blocked" "S-1 status"
expect_eq "$(story_status S-2)" "passed" "S-2 status"
grep -qx "S-1 blocked: fail_abort: the criteria contradict each other" out.txt || fail "no blocked line: $(cat out.txt)"
grep -q '"blockedReason": "fail_abort: the criteria contradict each other"' .simmer/prd.json || fail "prd.json lacks the reason"
check_journal
