#!/usr/bin/env bash
# A journal line whose `data` object breaks half-way (`{"":0,"":,""}`) crashed `simmer stats` with SIGSEGV: the
# On-Demand document was used again after its error had nulled its parser. The line is counted malformed, the
# figures of the good lines are kept, and no file changes.
. "$(dirname "$0")/lib_input.sh"
mkdir .simmer
good='{"data":{"attempts":1,"costUsd":0.5,"storyId":"S-1"},"kind":"story_passed","runId":"r1","seq":7,"ts":"2026-11-22T10:00:00.000Z"}'
printf '%s\n%s\n' "$good" '{"data":{"":0,"":,""},"kind":"session","":"","seq":8,"":""}' > .simmer/events.jsonl
before=$(snapshot)
expect_exit 0 "stats --json" "$SIMMER" stats --all --json
expect_eq "$(grep -v '^simmer: warning' out.txt | jq -c '[.lines, .events.count, .stories.passed, .sessions.total]')" \
  '[{"malformed":1,"read":2},1,1,0]' "stats figures"
expect_eq "$(grep '^simmer: warning' out.txt)" \
  "simmer: warning: .simmer/events.jsonl: 1 malformed line(s) skipped" "stats warning"
# The same line as the latest run's last event: the backwards search for the latest run passes over it too.
expect_exit 0 "stats (latest run)" "$SIMMER" stats --latest
grep -q '^Run          r1$' out.txt || fail "latest run: $(cat out.txt)"
expect_files_unchanged "$before" "stats"
echo ok
