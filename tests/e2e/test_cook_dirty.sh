#!/usr/bin/env bash
# A dirty work tree is refused before anything changes; with --allow-dirty the foreign change stays out of
# simmer's commits and staged.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","actions":[{"write":"mine.txt","content":"agent\n"}]}]'
commit_setup
echo "human" > theirs.txt
git add theirs.txt
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "2" "dirty tree refused"
expect_eq "$(cat out.txt)" "simmer: error: the work tree has uncommitted changes ($T): theirs.txt; commit or stash them, or run \`simmer cook --allow-dirty\` to leave them out of simmer's commits" "message"
[ -e .simmer/events.jsonl ] && fail "a refused cook wrote the journal"
"$SIMMER" cook --allow-dirty > out.txt 2>&1
expect_eq "$?" "0" "cook --allow-dirty ($(cat out.txt))"
expect_eq "$(git show --name-only --format= HEAD~1)" "mine.txt" "build commit holds only the agent's file"
expect_eq "$(git diff --cached --name-only)" "theirs.txt" "the human's file is still staged"
