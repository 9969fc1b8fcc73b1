#!/usr/bin/env bash
# Journal lines that nlohmann's parser takes but simmer's strict JSON rules refuse: a duplicate key (the last one
# silently won) and nesting 100,000 levels deep (kept in the state or the dashboard's view, it would overflow the
# stack of every later dump). The fold
# refuses each (exit 4) with the line, column and reason; `validate` reports it (exit 2); `stats`, which reads only
# the fields it counts, still reports; no file changes.
. "$(dirname "$0")/lib_input.sh"
cook_one_story
keep_good_journal
run=$(head -n 1 good.jsonl | jq -r .runId)
ts=2026-12-01T10:00:00.000Z

# check_line NAME LINE FOLD_MESSAGE VALIDATE_MESSAGE
check_line() {
  journal_plus "$2"
  local before
  before=$(snapshot)
  expect_folds_refuse "$3" "$1"
  expect_exit 2 "$1: validate" "$SIMMER" validate .simmer/events.jsonl
  expect_output "$4" "$1: validate"
  expect_exit 0 "$1: stats" "$SIMMER" stats --all --json
  expect_eq "$(grep -v '^simmer: warning' out.txt | jq -c .lines.read)" "$n" "$1: stats lines read"
  expect_files_unchanged "$before" "$1: the readers"
}

check_line "duplicate key" \
  "{\"data\":{\"message\":\"hi\"},\"kind\":\"warning\",\"kind\":\"halted\",\"runId\":\"$run\",\"seq\":$n,\"ts\":\"$ts\"}" \
  "simmer: error: invalid journal event (.simmer/events.jsonl:$n:43): duplicate key \"kind\" (seq $n, kind halted); nothing was changed" \
  ".simmer/events.jsonl:$n:43: duplicate key \"kind\"
checked 1 file: 1 invalid, 1 problem"
deep=$(python3 -c 'print("[" * 100000 + "]" * 100000)')
check_line "deep nesting" \
  "{\"data\":{\"message\":\"hi\",\"x\":$deep},\"kind\":\"warning\",\"runId\":\"$run\",\"seq\":$n,\"ts\":\"$ts\"}" \
  "simmer: error: invalid journal event (.simmer/events.jsonl:$n:539): nesting deeper than 512 levels (seq $n, kind warning); nothing was changed" \
  ".simmer/events.jsonl:$n:539: nesting deeper than 512 levels
checked 1 file: 1 invalid, 1 problem"
echo ok
