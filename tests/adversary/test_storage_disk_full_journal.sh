#!/usr/bin/env bash
# A disk the builder fills to the last byte: the next journal append fails, and cook stops with exit 6 naming the
# journal and the system error; no torn line is left for the next start to trip on beyond the documented repair,
# and once space is freed the next cook resumes and finishes.
. "$(dirname "$0")/lib.sh"
mount_tmpfs "$T/p" 4m
cd "$T/p" || exit 1
git init -q . && git config user.name Test && git config user.email test@example.com
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"[ -e filled ] || { touch filled; cat /dev/zero > fill.bin 2>/dev/null; }; true"}]}]'
commit_setup
printf 'fill.bin\nfilled\n' >> .gitignore && git add .gitignore && git commit -qm ignore
expect_exit 6 "cook" "$SIMMER" cook
grep -Eq "^simmer: error: cannot (append to|sync) the journal \(.simmer/events.jsonl\): (No space left on device|short write)|^simmer: error: cannot write .simmer/state.json .*No space left on device|^simmer: error: cannot write .*No space left on device" out.txt \
  || fail "message: $(cat out.txt)"
rm -f fill.bin
expect_exit 0 "resumed cook" "$SIMMER" cook
expect_eq "$(story_status S-1)" "passed" "S-1 after the resume"
check_journal
