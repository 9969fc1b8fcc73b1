#!/usr/bin/env bash
# Issue #10 item 13: a run_started event whose PRD snapshot has a story without `id` escaped the fold as
# `internal error: [json.exception.out_of_range.403] key 'id' not found` (exit 1). Every reader that folds the
# journal now refuses it as a damaged journal (exit 4) naming the line, the JSON pointer and the seq; `validate`
# reports it (exit 2); `stats` and `status`, which do not fold, still answer; no file changes.
. "$(dirname "$0")/lib_input.sh"
cook_one_story
python3 - <<'PY'
lines = open(".simmer/events.jsonl", "rb").read().split(b"\n")
assert b'"kind":"run_started"' in lines[0] and b'"id":"S-1",' in lines[0]
lines[0] = lines[0].replace(b'"id":"S-1",', b"", 1)
open(".simmer/events.jsonl", "wb").write(b"\n".join(lines))
PY
before=$(snapshot)
msg='simmer: error: invalid journal event (.simmer/events.jsonl:1#/data/stories/0): expected property "id", found nothing (seq 1, kind run_started); nothing was changed'
expect_folds_refuse "$msg" "a story without id"
expect_exit 2 "validate" "$SIMMER" validate .simmer/events.jsonl
expect_output '.simmer/events.jsonl:1#/data/stories/0: expected property "id", found nothing
checked 1 file: 1 invalid, 1 problem' "validate message"
expect_exit 0 "stats" "$SIMMER" stats --all --json
expect_exit 0 "status" "$SIMMER" status
expect_files_unchanged "$before" "the readers"
echo ok
