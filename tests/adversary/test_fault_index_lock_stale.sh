#!/usr/bin/env bash
# A .git/index.lock left by a git that died (nobody holds it): removed at start with a warning in the journal,
# and the run commits as usual.
. "$(dirname "$0")/lib_fault.sh"
one_story_project
commit_setup
: > .git/index.lock
expect_exit 0 "cook with a stale index.lock" "$SIMMER" cook
grep '"kind":"warning"' .simmer/events.jsonl | grep -q "removed a stale .git/index.lock left by an interrupted git command" ||
  fail "no warning journaled"
[ ! -e .git/index.lock ] || fail "the stale lock is still there"
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "the story's commits"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "the index agrees with HEAD"
