#!/usr/bin/env bash
# Two cooks at once: the second is refused with the holder's pid (exit 5) and changes nothing.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","outcome":"hang"}]'
commit_setup
cook_in_background
wait_for_event phase_started '"phase":"build"'
before=$(wc -l < .simmer/events.jsonl)
"$SIMMER" cook > out2.txt 2>&1
expect_eq "$?" "5" "second cook exit code"
grep -q "^simmer: error: project is locked (.simmer/lock): simmer cook is running as pid $cook since " out2.txt \
  || fail "lock message: $(cat out2.txt)"
expect_eq "$(wc -l < .simmer/events.jsonl)" "$before" "the refused cook journaled nothing"
"$SIMMER" status | grep -q "^simmer status: running (pid $cook," || fail "status while running: $("$SIMMER" status)"
kill -TERM "$cook"
wait "$cook"
expect_eq "$?" "130" "first cook stops on SIGTERM"
