#!/usr/bin/env bash
# Each event kind, appended to a cooked journal with a `data` that lacks its first required field (and an envelope
# without `ts`, and an unknown kind): every reader that folds the journal (`cook`, `replay`, `replay --check`)
# refuses it with exit 4, naming the line, the JSON pointer, the seq and the kind, and no file changes. Before,
# most such lines were folded as if the field were there, or escaped as a raw library exception (exit 1).
. "$(dirname "$0")/lib_input.sh"
cook_one_story
keep_good_journal
ts=2026-12-01T10:00:00.000Z

# check_refused LINE EXPECTED_MESSAGE: the journal with LINE appended is refused by every folding reader.
check_refused() {
  journal_plus "$1"
  local before
  before=$(snapshot)
  expect_folds_refuse "$2" "$1"
  expect_files_unchanged "$before" "the readers of $1"
}

checked=0
for schema in "$SIMMER_SOURCE_DIR"/schemas/events/*.json; do
  kind=$(basename "$schema" .json)
  first=$(jq -r '.required[0]' "$schema")
  check_refused "{\"data\":{},\"kind\":\"$kind\",\"runId\":\"r-x\",\"seq\":$n,\"ts\":\"$ts\"}" \
    "simmer: error: invalid journal event (.simmer/events.jsonl:$n#/data): expected property \"$first\", found nothing (seq $n, kind $kind); nothing was changed"
  checked=$((checked + 1))
done
[ "$checked" -ge 19 ] || fail "only $checked event kinds checked"

check_refused "{\"data\":{},\"kind\":\"warning\",\"runId\":\"r-x\",\"seq\":$n}" \
  "simmer: error: invalid journal event (.simmer/events.jsonl:$n#): expected property \"ts\", found nothing (seq $n, kind warning); nothing was changed"
check_refused "{\"data\":{},\"kind\":\"bogus\",\"runId\":\"r-x\",\"seq\":$n,\"ts\":\"$ts\"}" \
  "simmer: error: invalid journal event (.simmer/events.jsonl:$n#/kind): expected one of \"run_started\", \"run_finished\", \"phase_started\", \"phase_finished\", \"story_selected\", \"feedback_claimed\", \"session_launched\", \"session\", \"agents_stopped\", \"retry_scheduled\", … (32 values), found \"bogus\" (seq $n, kind bogus); nothing was changed"
echo ok
