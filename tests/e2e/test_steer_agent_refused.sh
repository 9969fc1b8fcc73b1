#!/usr/bin/env bash
# An agent cannot steer the run that judges it (docs/threat-model.md): the builder runs `simmer pause` and
# `simmer skip S-2` itself, once more from a new session without SIMMER_RUN_ID, and plants a request file with a
# bare SIGUSR1. The cook refuses each request its listener checked (the sender is its own descendant, or carries
# SIMMER_RUN_ID), journals them as refused, never reads the planted file, and cooks both stories.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
cat > agent-steer.sh <<SH
"$SIMMER" pause --wait 0 > agent-pause.txt 2>&1
"$SIMMER" skip S-2 --wait 0 > agent-skip.txt 2>&1
env -u SIMMER_RUN_ID setsid "$SIMMER" skip S-2 --wait 0 > agent-skip2.txt 2>&1
printf '{"schemaVersion":1,"action":"skip","storyId":"S-2","by":"cli","requestedAtMs":1}\n' > .simmer/control/1-1.json
kill -USR1 \$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' .simmer/lock | head -1)
true
SH
write_scenario '[{"role":"builder","story":"S-1","actions":[{"run":"sh agent-steer.sh"},{"write":"s1.txt","content":"one\n"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "the cook finished both stories ($(cat out.txt))"
expect_eq "$(story_status S-1) $(story_status S-2)" "passed passed" "nothing was skipped"
expect_eq "$(grep -c '"kind":"steered"' .simmer/events.jsonl)" "3" "three requests were checked"
expect_eq "$(grep '"kind":"steered"' .simmer/events.jsonl | grep -c '"refused":"sent by pid [0-9]*, a process of this run')" "3" \
  "all three refused as the run's own ($(grep '"kind":"steered"' .simmer/events.jsonl))"
grep -q '"action":"pause".*"kind":"steered"' .simmer/events.jsonl || fail "the pause was not journaled"
[ -f .simmer/control/1-1.json ] || fail "the planted request was read or moved: $(ls -R .simmer/control)"
grep -q "steering refused (pause, from the cli)" out.txt || fail "the cook did not say so: $(cat out.txt)"
check_journal
