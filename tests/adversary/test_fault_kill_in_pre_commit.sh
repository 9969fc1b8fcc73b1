#!/usr/bin/env bash
# kill -9 of the harness while its commit is under way (inside the pre-commit hook, before the ref moves): no
# commit becomes reachable, and the resumed cook makes each commit exactly once, with its message and trailers.
. "$(dirname "$0")/lib_fault.sh"
one_story_project
commit_setup
setup=$(git rev-parse HEAD)
kill_cook_in_hook pre-commit
expect_eq "$(git rev-parse HEAD)" "$setup" "no commit is reachable after a kill inside the commit"
expect_exit 0 "the resumed cook" "$SIMMER" cook
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "each commit made once"
expect_trailers HEAD~2..HEAD
grep '"kind":"commit"' .simmer/events.jsonl | grep -q '"sha":null' && fail "a commit was journaled without its sha"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "the index and work tree agree with HEAD"
expect_eq "$(git show HEAD~1:src/a.txt)" "a" "the build commit holds the builder's file"
check_journal
