#!/usr/bin/env bash
# Steering with no cook running (docs/loop.md "Steering a run"): `simmer retry` brings a blocked story back to
# pending and `simmer skip` sets a pending one aside, each at once, with the lock, journaled as `steered` and
# written into prd.json; refusals name why and exit 2; pause and resume need a running cook; stop has nothing to
# stop. The cooks that follow see the changes, and the journal replays.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:S-1" "S-3:2:S-1"
write_config
write_scenario '[{"role":"verifier","story":"S-1","handoff":{"verdict":"fail_abort","summary":"wrong approach"}}]'
commit_setup
# Before any cook: judged against prd.json itself.
"$SIMMER" skip S-3 > out.txt 2>&1
expect_eq "$?" "0" "skip before any cook ($(cat out.txt))"
expect_eq "$(story_status S-3)" "blocked" "S-3 skipped before any cook"
"$SIMMER" retry S-3 > out.txt 2>&1
expect_eq "$?" "0" "retry before any cook ($(cat out.txt))"
expect_eq "$(story_status S-3)" "pending" "S-3 back before any cook"
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "first cook blocks S-1 ($(cat out.txt))"
expect_eq "$(story_status S-1)" "blocked" "S-1 blocked"

"$SIMMER" retry S-2 > out.txt 2>&1
expect_eq "$?" "2" "retry of a pending story ($(cat out.txt))"
grep -q "retry S-2 refused: story S-2 is pending, not blocked" out.txt || fail "no refusal: $(cat out.txt)"
"$SIMMER" retry NOPE > out.txt 2>&1
expect_eq "$?" "2" "retry of an unknown story ($(cat out.txt))"
grep -q 'the PRD has no story "NOPE"' out.txt || fail "unknown story not named: $(cat out.txt)"
"$SIMMER" pause > out.txt 2>&1
expect_eq "$?" "2" "pause with no cook ($(cat out.txt))"
grep -q "no cook is running" out.txt || fail "pause: $(cat out.txt)"
"$SIMMER" stop > out.txt 2>&1
expect_eq "$?" "0" "stop with no cook ($(cat out.txt))"
grep -q "nothing to stop" out.txt || fail "stop: $(cat out.txt)"
"$SIMMER" retry > out.txt 2>&1
expect_eq "$?" "64" "retry without a story ($(cat out.txt))"

# retry: back to pending in prd.json, state.json and the journal.
"$SIMMER" retry S-1 --json > out-retry.txt 2>&1
expect_eq "$?" "0" "retry S-1 ($(cat out-retry.txt))"
expect_eq "$(jq -r .state out-retry.txt)" "applied" "retry answered"
expect_eq "$(story_status S-1)" "pending" "S-1 pending in prd.json"
expect_eq "$("$SIMMER" status --json | jq -r '.stories[] | select(.id=="S-1") | .status')" "pending" "status says pending"
expect_eq "$(tail -n 1 .simmer/events.jsonl | jq -c '.kind, .data.action, .data.storyId, .data.by')" \
  "$(printf '"steered"\n"retry"\n"S-1"\n"cli"')" "journaled as steered"
tail -n 1 .simmer/events.jsonl | jq -e '.data.request | test("^.simmer/control/claimed/[0-9]{6}-[0-9]+-[0-9]+.json$")' > /dev/null \
  || fail "request path: $(tail -n 1 .simmer/events.jsonl)"
"$SIMMER" replay --check > /dev/null || fail "replay --check after retry"

# skip: S-3 set aside; its reason names the person.
"$SIMMER" skip S-3 > out.txt 2>&1
expect_eq "$?" "0" "skip S-3 ($(cat out.txt))"
expect_eq "$(story_status S-3)" "blocked" "S-3 blocked in prd.json"
jq -e '.stories[] | select(.id=="S-3") | .blockedReason == "skipped by a person (simmer skip)"' .simmer/prd.json > /dev/null \
  || fail "skip reason: $(cat .simmer/prd.json)"
"$SIMMER" skip S-3 > out.txt 2>&1
expect_eq "$?" "2" "skip twice ($(cat out.txt))"
grep -q "story S-3 is blocked already" out.txt || fail "second skip: $(cat out.txt)"

# The next cook does S-1 and S-2 and leaves the skipped S-3.
write_scenario '[]'
git add scenario.json && git commit -qm "S-1 can pass now"
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "second cook ($(cat out.txt))"
expect_eq "$(story_status S-1) $(story_status S-2) $(story_status S-3)" "passed passed blocked" "statuses"
"$SIMMER" retry S-3 > out.txt 2>&1 || fail "retry S-3: $(cat out.txt)"
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "last cook ($(cat out.txt))"
expect_eq "$(story_status S-3)" "passed" "S-3 passed after its retry"
expect_eq "$(grep -c '"kind":"steered"' .simmer/events.jsonl)" "8" "every request is journaled, refused ones too"
check_journal
