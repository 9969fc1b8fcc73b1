#!/usr/bin/env bash
# A 50 MB feedback note went whole into the builder's prompt (612 MB of memory). The prompt now carries the note's
# first 64 KiB and says how much is left and where the whole note is; the note is claimed and journaled as usual.
. "$(dirname "$0")/lib_input.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","story":"S-1","actions":[{"savePrompt":"builder-prompt.txt"},{"write":"s1.txt","content":"one\n"}]}]'
commit_setup
python3 -c 'import sys; sys.stdout.write("Use tabs, not spaces.\n" + "x" * (50 * 1000 * 1000) + "\n")' > .simmer/feedback.md
touch -d "10 seconds ago" .simmer/feedback.md
expect_exit 0 "cook" "$SIMMER" cook
size=$(wc -c < builder-prompt.txt)
[ "$size" -lt 200000 ] || fail "the builder's prompt has $size bytes"
grep -qx "From .simmer/feedback/claimed/000001-feedback.md (its first 65536 of 50000023 bytes):" builder-prompt.txt ||
  fail "no note head line: $(grep -m1 'From .simmer' builder-prompt.txt)"
grep -qx "Use tabs, not spaces." builder-prompt.txt || fail "the note's first line is not in the prompt"
grep -qx "\[simmer: the note goes on for 49934487 more bytes; the whole note is in .simmer/feedback/claimed/000001-feedback.md\]" \
  builder-prompt.txt || fail "no line saying where the rest of the note is"
expect_eq "$(wc -c < .simmer/feedback/claimed/000001-feedback.md)" "50000023" "the claimed note is whole"
grep -q '"bytes":50000023,"path":".simmer/feedback/claimed/000001-feedback.md","preview":"Use tabs, not spaces. xxx' \
  .simmer/events.jsonl || fail "feedback_claimed event: $(grep feedback_claimed .simmer/events.jsonl | head -c 300)"
check_journal
echo ok
