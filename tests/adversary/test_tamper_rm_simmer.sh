#!/usr/bin/env bash
# A builder that runs `rm -rf .simmer` loses nothing: the journal comes back from the harness's open handle
# (every event, seq contiguous), the PRD and progress from the snapshot, the lock is held again, and the story
# is stopped as tampered (blocked, exit 11) instead of the cook exiting 0 over an empty folder.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
write_scenario '[{"role":"builder","story":"S-2","attempt":0,"actions":[{"run":"rm -rf .simmer"}]}]'
commit_setup
expect_exit 11 "cook" "$SIMMER" cook
[ -f .simmer/prd.json ] || fail "prd.json is gone"
expect_eq "$(story_status S-1)" "passed" "S-1 (before the tampering)"
expect_eq "$(story_status S-2)" "blocked" "S-2 (the tampering story)"
grep -q '"kind":"run_started"' .simmer/events.jsonl || fail "the journal lost its start"
grep '"kind":"story_passed"' .simmer/events.jsonl | grep -q '"storyId":"S-1"' || fail "the journal lost S-1's outcome"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep '"file":".simmer/events.jsonl"' | grep -q '"stopsStory":true' \
  || fail "no stopping tamper_detected for the journal"
grep '"kind":"story_blocked"' .simmer/events.jsonl | grep -q 'tampered: the builder changed .simmer/events.jsonl' \
  || fail "S-2 not blocked as tampered: $(grep story_blocked .simmer/events.jsonl)"
grep -q "simmer: warning: .simmer/events.jsonl was changed during the builder's session; restored" out.txt \
  || fail "no warning: $(cat out.txt)"
check_journal
# The restored journal is the one the next run resumes from.
"$SIMMER" status > status.txt 2>&1 || fail "status after the restore: $(cat status.txt)"
