#!/usr/bin/env bash
# kill -9 of the harness after its commit became HEAD but before the journal knew (inside the post-commit hook):
# the resumed cook finds the commit by its trailers, journals that sha, commits nothing twice, and the index
# agrees with HEAD again.
. "$(dirname "$0")/lib.sh"
write_prd "A-1:1:"
write_config
write_scenario '[{"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"a\n"}]}]'
cat > .git/hooks/post-commit <<'SH'
#!/bin/sh
if [ -e .git/armed ]; then rm -f .git/armed; : > .git/hook-fired; sleep 2; : > .git/hook-done; fi
SH
chmod +x .git/hooks/post-commit
commit_setup
: > .git/armed
"$SIMMER" cook > out-1.txt 2>&1 &
COOK_PIDS=$!
for _ in $(seq 1 300); do [ -e .git/hook-fired ] && break; sleep 0.1; done
[ -e .git/hook-fired ] || fail "the post-commit hook never ran: $(cat out-1.txt)"
kill -9 "$COOK_PIDS"
wait "$COOK_PIDS" 2>/dev/null
for _ in $(seq 1 300); do [ -e .git/hook-done ] && break; sleep 0.1; done
sleep 0.5
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
