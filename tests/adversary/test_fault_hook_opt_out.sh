#!/usr/bin/env bash
# "git": {"hooks": false} in simmer.json: the repository's hooks are not run (as git commit --no-verify), so a
# refusing pre-commit or commit-msg hook does not stop the commits.
. "$(dirname "$0")/lib_fault.sh"
one_story_project '[]' '"git": {"hooks": false}'
commit_setup  # before the hooks exist: they are for simmer's commits
for hook in pre-commit commit-msg; do
  printf '#!/bin/sh\necho ran >> .git/%s-ran\nexit 1\n' "$hook" | write_hook "$hook"
done
expect_exit 0 "cook with hooks off" "$SIMMER" cook
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "both commits made"
[ -e .git/pre-commit-ran ] && fail "the pre-commit hook ran"
[ -e .git/commit-msg-ran ] && fail "the commit-msg hook ran"
grep -q '"kind":"gate"' .simmer/events.jsonl && fail "a hook gate was journaled"
exit 0
