#!/usr/bin/env bash
# Feedback with lanes (docs/lanes.md): a note waiting in the inbox when `cook --lanes 2` starts is claimed by the
# coordinator and goes to the next story that starts (S-1), as it would go to the next pick in one lane: S-1's
# builder is told it, S-2's is not. The coordinator journals the claim; S-1's lane journals it as its own, with
# the note's absolute path; the note is moved out of the inbox, never read twice.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer/inbox
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s]}\n' \
  "$(lane_story S-1 0 "S-1/**")" "$(lane_story S-2 1 "S-2/**")" > .simmer/prd.json
write_config '[]'
write_scenario "[{\"role\":\"builder\",\"story\":\"S-1\",\"actions\":[{\"savePrompt\":\"$T/.git/prompt-S-1.txt\"},
                                                         {\"write\":\"S-1/f.txt\",\"content\":\"1\\n\"}]},
                 {\"role\":\"builder\",\"story\":\"S-2\",\"actions\":[{\"savePrompt\":\"$T/.git/prompt-S-2.txt\"},
                                                         {\"write\":\"S-2/f.txt\",\"content\":\"2\\n\"}]}]"
commit_setup
printf 'Indent with tabs, never spaces.\n' > .simmer/inbox/style.md
touch -d '-10 seconds' .simmer/inbox/style.md  # not being written: claimable now
out=$("$SIMMER" cook --lanes 2 2>&1)
expect_eq "$?" "0" "cook exit code (output: $out)"
expect_eq "$(story_status S-1) $(story_status S-2)" "passed passed" "both stories"
grep -q 'Indent with tabs, never spaces.' .git/prompt-S-1.txt || fail "S-1's builder was not told the note: $(cat .git/prompt-S-1.txt)"
! grep -q 'Indent with tabs' .git/prompt-S-2.txt || fail "S-2's builder was told S-1's note too"
expect_eq "$(ls .simmer/inbox)" "" "the inbox is empty"
claimed=$(ls .simmer/feedback/claimed/)
expect_eq "$claimed" "000001-inbox-style.md" "the note claimed once, by the coordinator"
expect_eq "$(grep -c '"kind":"feedback_claimed"' .simmer/events.jsonl)" "1" "coordinator's claim"
grep '"kind":"feedback_claimed"' .simmer/lanes/S-1/events.jsonl | grep -qF "\"path\":\"$T/.simmer/feedback/claimed/000001-inbox-style.md\"" ||
  fail "S-1's lane did not journal the note with its absolute path: $(grep feedback_claimed .simmer/lanes/S-1/events.jsonl)"
! grep -q '"kind":"feedback_claimed"' .simmer/lanes/S-2/events.jsonl || fail "S-2's lane claimed a note"
check_journal
echo ok
