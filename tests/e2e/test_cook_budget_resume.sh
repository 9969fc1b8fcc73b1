#!/usr/bin/env bash
# A per-story budget halts the run (exit 10); the spend survives the restart; raising the budget resumes at the
# same phase and finishes.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:"
write_config '[]' '"budget": {"perStory": 0.005}'
write_scenario '[]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "10" "first cook halts ($(cat out.txt))"
# The build spent $0.01: the verifier is not started.
grep -qx 'halted (budget_story): story S-1 spent $0.0100 of its budget $0.0050' out.txt || fail "no halt line: $(cat out.txt)"
"$SIMMER" status | grep -qx "phase halt, story S-1 (Story S-1), attempt 0; halted (budget_story): story S-1 spent \$0.0100 of its budget \$0.0050" || fail "status: $("$SIMMER" status)"
"$SIMMER" cook > out2.txt 2>&1
expect_eq "$?" "10" "same budget halts again at once"
"$SIMMER" cook --budget-story 1 > out3.txt 2>&1
expect_eq "$?" "0" "raised budget finishes ($(cat out3.txt))"
grep -q "resuming at verify of S-1" out3.txt || fail "did not resume at VERIFY: $(cat out3.txt)"
spend=$("$SIMMER" status --json | grep '"spendUsd"' | sed 's/.*: \(.*\),/\1/')
expect_eq "$spend" "0.04" "spend is cumulative across runs"
# stats, by default, and status say the same after the resumes (issue 13 item 10): the PRD's whole history.
expect_eq "$("$SIMMER" stats --json | jq -c '[.scope, .cost.totalUsd]')" '["all",0.04]' "stats agrees with status"
grep -qx 'Cost         \$0.0400 total, \$0.0200 per passed story' <("$SIMMER" stats) || fail "stats text: $("$SIMMER" stats)"
check_journal
