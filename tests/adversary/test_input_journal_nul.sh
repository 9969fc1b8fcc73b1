#!/usr/bin/env bash
# A NUL byte inside a journal line that is not the last: the journal is damaged, so every reader that folds it
# refuses with the line (exit 4), `stats` counts it malformed, and no file changes.
. "$(dirname "$0")/lib_input.sh"
cook_one_story
# Line 2 gets a NUL in the middle of its runId.
python3 - <<'PY'
lines = open(".simmer/events.jsonl", "rb").read().split(b"\n")
lines[1] = lines[1].replace(b'"runId":"', b'"runId":"\x00', 1)
open(".simmer/events.jsonl", "wb").write(b"\n".join(lines))
PY
before=$(snapshot)
msg="simmer: error: the journal is damaged before its last line (.simmer/events.jsonl:2): not valid JSON; nothing was changed"
expect_folds_refuse "$msg" "a NUL in line 2"
expect_exit 0 "stats" "$SIMMER" stats --all --json
expect_eq "$(grep -v '^simmer: warning' out.txt | jq -c .lines)" '{"malformed":1,"read":'"$(wc -l < .simmer/events.jsonl)"'}' "stats lines"
expect_files_unchanged "$before" "the readers"
echo ok
