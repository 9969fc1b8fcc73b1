#!/usr/bin/env bash
# A builder that runs `git checkout -b other` and commits there does not move the run: HEAD is put back on the
# branch the run started on (the work tree kept), the story's commits land there, and it is reported.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"write":"a.txt","content":"a\n"},{"run":"git checkout -q -b other && git add a.txt && git commit -qm agent-commit"}]}]'
commit_setup
start=$(git symbolic-ref HEAD)
expect_exit 0 "cook" "$SIMMER" cook
expect_eq "$(git symbolic-ref HEAD)" "$start" "HEAD after the cook"
git log --format=%s "$start" | grep -q "^S-1: Story S-1 (build)" || fail "S-1's build commit is not on $start: $(git log --format=%s "$start")"
git log --format=%s "$start" | grep -q "^S-2: Story S-2 (record passed)" || fail "S-2 is not on $start"
git cat-file -e "$start:a.txt" || fail "the agent's file is not on $start"
git log --format=%s other | grep -q "^S-2" && fail "S-2 was committed on other"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep '"file":"HEAD"' | grep -q 'HEAD was on other at' \
  || fail "no tamper_detected for HEAD: $(grep tamper_detected .simmer/events.jsonl)"
grep -q "simmer: warning: HEAD was changed during the builder's session; restored (HEAD was on other at" out.txt \
  || fail "no warning: $(cat out.txt)"
check_journal
