#!/usr/bin/env bash
# A builder that exits 0 at once, leaving a child (in a session of its own) that keeps rewriting build.json with
# a hand-off for another story: the child is stopped when the session ends, so the file simmer validates is the
# builder's own, accepted without a repair, and nothing writes it afterwards.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
setsid sh -c "echo \$\$ > \"$HOSTILE_PIDS/writer.pid\"; sleep 0.3; while :; do printf %s \"{\\\"schemaVersion\\\":1,\\\"storyId\\\":\\\"S-9\\\",\\\"attempt\\\":7,\\\"summary\\\":\\\"hijacked\\\",\\\"filesChanged\\\":[],\\\"testsAdded\\\":[],\\\"patterns\\\":[]}\" > \"$SIMMER_HANDOFF\"; sleep 0.02; done" < /dev/null > /dev/null 2>&1 &
for i in $(seq 1 200); do [ -s "$HOSTILE_PIDS/writer.pid" ] && break; sleep 0.01; done'
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped writer "after the cook"
expect_eq "$(event_kinds | grep -c handoff_invalid)" "0" "handoff_invalid events"
grep '"kind":"handoff_accepted"' .simmer/events.jsonl | grep '"attempt":0' | grep -q '"storyId":"S-1"' ||
  fail "the builder's own build.json was not accepted: $(grep handoff .simmer/events.jsonl)"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
