#!/usr/bin/env bash
# `simmer status` on a prd.json of the wrong shape, or a state.json whose story order names a story it does not
# have, escaped as `internal error: [json.exception.type_error.302] ...` or `internal error: map::at` (exit 1).
# It now reads prd.json as every command does and checks state.json's order: exit 2 with the pointer, no change.
. "$(dirname "$0")/lib_input.sh"
mkdir .simmer
echo '{"schemaVersion":1,"project":"p","description":"","stories":[{"id":"S-1","title":7,"description":"","acceptanceCriteria":["a"],"priority":0,"dependencies":[],"epic":"","notes":"","status":"pending"}]}' > .simmer/prd.json
before=$(snapshot)
expect_exit 2 "status, a title that is a number" "$SIMMER" status
expect_output 'simmer: error: invalid value (.simmer/prd.json#/stories/0/title): expected a string, found a number (7)' "status message"
echo '{"schemaVersion":1,"project":"p","stories":5}' > .simmer/prd.json
before=$(snapshot)
expect_exit 2 "status, stories that are a number" "$SIMMER" status --json
expect_output 'simmer: error: invalid value (.simmer/prd.json#): expected property "description", found nothing
.simmer/prd.json#/stories: expected an array, found a number (5)' "status --json message"
expect_files_unchanged "$before" "status"

rm .simmer/prd.json
cook_one_story
python3 - <<'PY'
import json
state = json.load(open(".simmer/state.json"))
state["order"].append("S-9")
open(".simmer/state.json", "w").write(json.dumps(state, indent=2, sort_keys=True) + "\n")
PY
before=$(snapshot)
expect_exit 2 "status, an unknown story in the order" "$SIMMER" status
expect_output 'simmer: error: invalid state (.simmer/state.json#/order/1): story "S-9" is not in /stories' "status message"
expect_files_unchanged "$before" "status"
echo ok
