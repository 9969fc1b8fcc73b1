#!/usr/bin/env bash
# A hand-off bound to the wrong story is refused with the exact error, and the same session repairs it.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","repair":0,"handoff":{"storyId":"WRONG"}},
                 {"role":"builder","repair":1,"actions":[{"savePrompt":"repair-prompt.txt"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
grep -qx '  S-1 .simmer/build.json invalid (repair 1 of 2): .simmer/build.json#/storyId: expected "S-1", found "WRONG"' out.txt \
  || fail "no repair line: $(cat out.txt)"
grep -q '^- .simmer/build.json#/storyId: expected "S-1", found "WRONG"$' repair-prompt.txt || fail "repair prompt lacks the error"
sessions=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"builder"' | sed 's/.*"sessionId":"\([^"]*\)".*/\1/' | uniq | wc -l)
expect_eq "$sessions" "1" "the repair resumed the same builder session"
expect_eq "$(story_status S-1)" "passed" "S-1"
check_journal
