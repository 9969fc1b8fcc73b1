#!/usr/bin/env bash
# A live process holds .git/index.lock (an editor's git, a long gc): the harness waits, then stops with a message
# naming the lock and the holder, and never removes a lock someone holds. Once the holder is gone, the leftover
# lock is stale: the next cook removes it, says so, and commits.
. "$(dirname "$0")/lib_fault.sh"
one_story_project
commit_setup
setup=$(git rev-parse HEAD)
sleep 600 9> .git/index.lock &
holder=$!
COOK_PIDS=$holder
expect_exit 1 "cook with a held index.lock" "$SIMMER" cook
lock="$PWD/.git/index.lock"
grep -q "^simmer: error: git's index is locked ($lock): held open by a live process (pid $holder, sleep) for more than 10 s; let it finish or stop it, then run simmer again$" out.txt ||
  fail "the message names the lock and its holder: $(cat out.txt)"
[ -e .git/index.lock ] || fail "the held lock was removed"
expect_eq "$(git rev-parse HEAD)" "$setup" "nothing committed"
kill "$holder"
wait "$holder" 2>/dev/null
COOK_PIDS=""
[ -e .git/index.lock ] || fail "the lock file should outlive its holder"
expect_exit 0 "cook once the holder is gone" "$SIMMER" cook
grep -q "removed a stale .git/index.lock" out.txt || fail "the removal is said: $(cat out.txt)"
[ ! -e .git/index.lock ] || fail "the stale lock is still there"
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "the story's commits"
