#!/usr/bin/env bash
# A note dropped while a phase runs waits for the next orchestration, is claimed once by an atomic rename,
# journaled with a preview, and reaches the next story's builder prompt (and not the current one's).
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
write_scenario '[{"role":"builder","story":"S-1","actions":[{"savePrompt":"s1-prompt.txt"},
                   {"run":"printf \"Please use tabs.\\n\" > .simmer/feedback.md && touch -d \"10 seconds ago\" .simmer/feedback.md"}]},
                 {"role":"builder","story":"S-2","actions":[{"savePrompt":"s2-prompt.txt"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
[ -e .simmer/feedback.md ] && fail "feedback.md was not claimed"
expect_eq "$(ls .simmer/feedback/claimed)" "000001-feedback.md" "claimed file"
expect_eq "$(event_kinds | grep -E '^(story_selected|feedback_claimed)$' | tr '\n' ' ')" \
  "story_selected feedback_claimed story_selected " "claimed between the two selections"
grep -q '"preview":"Please use tabs."' .simmer/events.jsonl || fail "no preview in the journal"
grep -q "Please use tabs." s2-prompt.txt || fail "S-2's prompt lacks the note"
grep -q "Please use tabs." s1-prompt.txt && fail "S-1's prompt has a note dropped during its own phase"
grep -qx "feedback claimed: .simmer/feedback/claimed/000001-feedback.md (Please use tabs.)" out.txt || fail "no claim line"
check_journal
