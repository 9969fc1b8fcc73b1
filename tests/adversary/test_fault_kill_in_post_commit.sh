#!/usr/bin/env bash
# kill -9 of the harness after its commit became HEAD but before the journal knew (inside the post-commit hook):
# the resumed cook finds the commit by its trailers, journals that sha, commits nothing twice, and the index
# agrees with HEAD again.
. "$(dirname "$0")/lib_fault.sh"
one_story_project
commit_setup
kill_cook_in_hook post-commit
made=$(git rev-parse HEAD)
expect_eq "$(git log -1 --format=%s)" "A-1: Story A-1 (build)" "the build commit was made before the kill"
grep -q '"kind":"commit"' .simmer/events.jsonl && fail "the journal already has the commit"
expect_exit 0 "the resumed cook" "$SIMMER" cook
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "no commit made twice"
build_sha=$(grep '"kind":"commit"' .simmer/events.jsonl | grep '"kind":"build"' | sed 's/.*"sha":"\([0-9a-f]*\)".*/\1/')
expect_eq "$build_sha" "$made" "the journal's build commit is the one made before the kill"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "the index and work tree agree with HEAD"
check_journal
