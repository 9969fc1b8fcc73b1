#!/usr/bin/env bash
# A formatting pre-commit hook rewrites a file and stages it: the commit holds the formatted content (as with
# git commit), the work tree and index agree with HEAD afterwards, and the trailers are intact.
. "$(dirname "$0")/lib_fault.sh"
write_prd "A-1:1:"
write_config
write_scenario '[{"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"messy   text\n"}]}]'
commit_setup  # before the hooks exist: they are for simmer's commits
write_hook pre-commit <<'SH'
#!/bin/sh
for f in $(git diff --cached --name-only -- src); do
  sed 's/  */ /g' "$f" > "$f.fmt" && mv "$f.fmt" "$f" && git add "$f"
done
SH
expect_exit 0 "cook" "$SIMMER" cook
expect_eq "$(git show HEAD~1:src/a.txt)" "messy text" "the commit holds what the hook staged"
expect_eq "$(cat src/a.txt)" "messy text" "the work tree holds it too"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "index and work tree agree with HEAD"
git log -1 --format=%B HEAD~1 | grep -q '^Simmer-Seq: [0-9]' || fail "the build commit lost its trailers"
check_journal
