#!/usr/bin/env bash
# A builder that never writes a valid hand-off spends its repairs; the attempt fails as contract_violation and,
# with no fix left, the story is blocked while the next one still runs.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:"
write_config '[]' '"retries": {"fix": 0, "contract": 1}'
write_scenario '[{"role":"builder","story":"S-1","handoff":"this is not json"}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "cook exit code ($(cat out.txt))"
expect_eq "$(grep -c '"kind":"handoff_invalid"' .simmer/events.jsonl)" "2" "one invalid hand-off, one failed repair"
grep -q '^  S-1 .simmer/build.json invalid (repair 1 of 1): ' out.txt || fail "no first invalid line: $(cat out.txt)"
grep -q '^  S-1 .simmer/build.json invalid (no repairs left): ' out.txt || fail "no last invalid line: $(cat out.txt)"
grep -qx "S-1 blocked: gave up after 1 attempt: contract_violation: .simmer/build.json still invalid after 1 repair" out.txt \
  || fail "no blocked line: $(cat out.txt)"
expect_eq "$(story_status S-2)" "passed" "S-2"
check_journal
