#!/usr/bin/env bash
# A disk that fills while the harness commits (git cannot write the object of a big file the builder made) is
# unsafe storage: exit 6 naming git's error, the journal intact, and the next cook after space is freed resumes
# and commits.
. "$(dirname "$0")/lib.sh"
mount_tmpfs "$T/p" 8m
cd "$T/p" || exit 1
git init -q . && git config user.name Test && git config user.email test@example.com
write_prd "S-1:0:"
write_config
# 5 MB of incompressible bytes: the file fits, its git object (another 5 MB) does not.
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"head -c 5000000 /dev/urandom > big.bin"}]}]'
commit_setup
expect_exit 6 "cook" "$SIMMER" cook
grep -q "^simmer: error: git add failed ($T/p): .*No space left on device" out.txt || fail "message: $(cat out.txt)"
n=$(wc -l < .simmer/events.jsonl)
"$SIMMER" replay --check > /dev/null || fail "replay --check after the full disk"
# Space comes back (the user shrinks the file); the next cook resumes at the commit and finishes.
head -c 1000 /dev/urandom > big.bin
expect_exit 0 "resumed cook" "$SIMMER" cook
git cat-file -e HEAD:big.bin 2>/dev/null || git log --all --format=%s | grep -q "S-1" || fail "nothing committed after the resume"
[ "$(wc -l < .simmer/events.jsonl)" -gt "$n" ] || fail "the resumed cook journaled nothing"
check_journal
