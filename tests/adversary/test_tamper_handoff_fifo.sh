#!/usr/bin/env bash
# A verdict.json that is a FIFO would block a naive reader forever: it is refused as not a regular file, and the
# repair writes a real one.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"verifier","repair":0,"handoff":false,"actions":[{"run":"mkfifo .simmer/verdict.json"}]}]'
commit_setup
expect_exit 0 "cook" "$SIMMER" cook
grep '"kind":"handoff_invalid"' .simmer/events.jsonl | grep -q '.simmer/verdict.json: is not a regular file' \
  || fail "no handoff_invalid for the FIFO: $(grep handoff_invalid .simmer/events.jsonl)"
expect_eq "$(story_status S-1)" "passed" "S-1 after the repair"
check_journal
