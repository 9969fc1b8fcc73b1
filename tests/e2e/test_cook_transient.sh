#!/usr/bin/env bash
# A transient failure (API overloaded) is retried after 1 s; the retry succeeds.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","retry":0,"outcome":"transient"}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
grep -q '"kind":"retry_scheduled"' .simmer/events.jsonl || fail "no retry_scheduled"
grep '"kind":"retry_scheduled"' .simmer/events.jsonl | grep -q '"reason":"transient"' || fail "retry reason"
grep -qx "  S-1 build retry 1 in 1.0s (transient)" out.txt || fail "no retry line: $(cat out.txt)"
check_journal
