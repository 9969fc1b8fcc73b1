#!/usr/bin/env bash
# A story depending on a blocked story is never run; status says what it waits for; exit 11.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:S-1" "S-3:2:"
write_config '[]' '"retries": {"fix": 1}'
write_scenario '[{"role":"verifier","story":"S-1","handoff":{"verdict":"fail_retry","summary":"still wrong"}}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "cook exit code ($(cat out.txt))"
expect_eq "$(story_status S-1)" "blocked" "S-1"
expect_eq "$(story_status S-2)" "pending" "S-2"
expect_eq "$(story_status S-3)" "passed" "S-3"
grep -q '"storyId":"S-2"' .simmer/events.jsonl && fail "S-2 was worked on"
grep -qx "S-1 blocked: gave up after 2 attempts: verifier: still wrong" out.txt || fail "no blocked line: $(cat out.txt)"
"$SIMMER" status | grep -q "^S-2 *pending *0 *\$0.0000  waits for blocked S-1$" || fail "status: $("$SIMMER" status)"
check_journal
