#!/usr/bin/env bash
# A cook started on a detached HEAD is refused (exit 2, nothing written) unless --allow-detached is given.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:"
write_config
write_scenario '[]'
commit_setup
git checkout -q --detach
sha=$(git rev-parse --short=12 HEAD)
expect_exit 2 "cook" "$SIMMER" cook
grep -qx "simmer: error: HEAD is detached ($T) at $sha: simmer commits every attempt on the checked-out branch; check out a branch (\`git switch -c NAME\`), or run \`simmer cook --allow-detached\`" out.txt \
  || fail "message: $(cat out.txt)"
[ -e .simmer/events.jsonl ] && fail "the refused cook wrote a journal"
expect_exit 0 "cook --allow-detached" "$SIMMER" cook --allow-detached
git symbolic-ref -q HEAD && fail "HEAD got attached to a branch"
git log --format=%s | grep -q "^S-1: Story S-1 (record passed)" || fail "no commits on the detached HEAD"
check_journal
