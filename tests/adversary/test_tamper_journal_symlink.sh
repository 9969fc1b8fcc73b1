#!/usr/bin/env bash
# A builder that moves events.jsonl out of the project and leaves a symlink in its place: no later event goes to
# the file outside; the journal is back in the project as a regular file holding every event.
. "$(dirname "$0")/lib.sh"
outside=$(mktemp -d)
write_prd "S-1:0:"
write_config
write_scenario "[{\"role\":\"builder\",\"attempt\":0,\"actions\":[{\"run\":\"mv .simmer/events.jsonl $outside/ev && ln -s $outside/ev .simmer/events.jsonl\"}]}]"
commit_setup
"$SIMMER" cook > out.txt 2>&1
code=$?
outside_lines=$(wc -l < "$outside/ev")
[ -L .simmer/events.jsonl ] && fail "the journal is still a symlink"
[ -f .simmer/events.jsonl ] || fail "no journal in the project"
expect_eq "$code" "11" "cook exit code ($(cat out.txt))"
# The outside file got nothing after the move: every line there is also in the project's journal, which is longer.
head -n "$outside_lines" .simmer/events.jsonl | cmp -s - "$outside/ev" || fail "the outside file differs from the journal's start"
[ "$(wc -l < .simmer/events.jsonl)" -gt "$outside_lines" ] || fail "no events after the move in the project's journal"
grep -q '"kind":"session"' "$outside/ev" && fail "the builder's session event went to the outside file"
check_journal
rm -rf "$outside"
