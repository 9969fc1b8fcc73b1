#!/usr/bin/env bash
# A builder that resets the run's branch back over an earlier story's commits (`git reset --hard HEAD~2`) does not
# erase them: the branch is put back to the run's last commit.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:"
write_config
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"write":"a.txt","content":"a\n"}]},
  {"role":"builder","story":"S-2","attempt":0,"actions":[{"run":"git reset -q --hard HEAD~2"},{"write":"b.txt","content":"b\n"}]}]'
commit_setup
expect_exit 0 "cook" "$SIMMER" cook
git log --format=%s | grep -q "^S-1: Story S-1 (record passed)" || fail "S-1's commits were erased: $(git log --format=%s)"
git log --format=%s | grep -q "^S-2: Story S-2 (build)" || fail "S-2 not committed"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep -q '"file":"HEAD"' || fail "no tamper_detected for HEAD"
git cat-file -e HEAD:b.txt || fail "S-2's file is not committed"
check_journal
