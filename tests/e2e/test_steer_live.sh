#!/usr/bin/env bash
# Steering a running cook (docs/loop.md "Steering a run"): `simmer pause` answers once the step in progress ends,
# the cook finishes its story and starts no other (status says paused); a retry of a pending story is refused,
# a skip of another is applied while paused; `simmer resume` lets it go on. `simmer stop` stops a hanging session
# at once (exit 130, journaled as steered + interrupted "simmer stop"), and the next cook resumes it.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:" "S-3:2:"
write_config
write_scenario '[{"role":"builder","story":"S-1","actions":[{"sleep":1.0},{"write":"s1.txt","content":"one\n"}]},
                 {"role":"builder","story":"S-3","actions":[{"run":"sleep 300"}],"outcome":"hang"}]'
commit_setup
cook_in_background
wait_for_event phase_started '"storyId":"S-1"'
"$SIMMER" pause --wait 60 > pause.txt 2>&1
expect_eq "$?" "0" "pause ($(cat pause.txt))"
grep -q "simmer pause: paused" pause.txt || fail "pause answer: $(cat pause.txt)"
# Paused says the next story waits; the Paused step writes state.json (at ORCHESTRATE) before it waits: once status
# says so, nothing else may start.
for i in $(seq 1 600); do
  [ "$("$SIMMER" status --json | jq -r '"\(.paused) \(.phase)"')" = "true orchestrate" ] && break
  sleep 0.1
done
expect_eq "$("$SIMMER" status --json | jq -r '.paused, .phase')" "$(printf 'true\norchestrate')" "status while paused"
"$SIMMER" status | grep -q "paused before the next story" || fail "status text: $("$SIMMER" status)"
expect_eq "$(story_status S-1)" "passed" "S-1 finished before the pause held"
grep -q '"kind":"story_selected".*"storyId":"S-2"' .simmer/events.jsonl && fail "S-2 started while paused"
"$SIMMER" retry S-2 > out-retry.txt 2>&1
expect_eq "$?" "2" "retry of a pending story while live ($(cat out-retry.txt))"
"$SIMMER" skip S-3 > out-skip.txt 2>&1
expect_eq "$?" "0" "skip S-3 while paused ($(cat out-skip.txt))"
"$SIMMER" pause > out-pause2.txt 2>&1
expect_eq "$?" "2" "pause twice ($(cat out-pause2.txt))"
grep -q "paused already" out-pause2.txt || fail "second pause: $(cat out-pause2.txt)"
"$SIMMER" resume > out-resume.txt 2>&1
expect_eq "$?" "0" "resume ($(cat out-resume.txt))"
wait "$cook"
expect_eq "$?" "11" "the cook finished with the skipped story blocked ($(cat out.txt))"
expect_eq "$(story_status S-2) $(story_status S-3)" "passed blocked" "S-2 done, S-3 skipped"
grep -q "steered: pause (from the cli)" out.txt || fail "the cook did not print the pause: $(cat out.txt)"

# stop: S-3 back, its builder hangs; stop ends the session at once.
"$SIMMER" retry S-3 > out-retry.txt 2>&1 || fail "retry S-3: $(cat out-retry.txt)"
cook_in_background out2.txt
wait_for_event phase_started '"storyId":"S-3"'
"$SIMMER" stop --json > out-stop.txt 2>&1
expect_eq "$?" "0" "stop ($(cat out-stop.txt))"
expect_eq "$(jq -r .state out-stop.txt)" "applied" "stop answered"
wait "$cook"
expect_eq "$?" "130" "the stopped cook's exit code ($(cat out2.txt))"
expect_eq "$(event_kinds | tail -3 | tr '\n' ' ')" "steered interrupted run_finished " "journal ends with the stop"
tail -n 2 .simmer/events.jsonl | head -1 | grep -q '"signal":"simmer stop"' || fail "interrupted by: $(tail -n 2 .simmer/events.jsonl)"
write_scenario '[]'
git add scenario.json && git commit -qm "S-3 works now"
"$SIMMER" cook > out3.txt 2>&1
expect_eq "$?" "0" "resumed cook ($(cat out3.txt))"
grep -q "resuming at build of S-3" out3.txt || fail "did not resume S-3: $(cat out3.txt)"
check_journal
