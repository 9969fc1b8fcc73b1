#!/usr/bin/env bash
# kill -9 of the harness while its commit is under way (inside the pre-commit hook, before the ref moves): no
# commit becomes reachable, and the resumed cook makes each commit exactly once, with its message and trailers.
. "$(dirname "$0")/lib.sh"
write_prd "A-1:1:"
write_config
write_scenario '[{"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"a\n"}]}]'
# Armed once: signals that the commit is under way, then keeps it there while the test kills the harness.
cat > .git/hooks/pre-commit <<'SH'
#!/bin/sh
if [ -e .git/armed ]; then rm -f .git/armed; : > .git/hook-fired; sleep 2; : > .git/hook-done; fi
SH
chmod +x .git/hooks/pre-commit
commit_setup
setup=$(git rev-parse HEAD)
: > .git/armed
"$SIMMER" cook > out-1.txt 2>&1 &
COOK_PIDS=$!
for _ in $(seq 1 300); do [ -e .git/hook-fired ] && break; sleep 0.1; done
[ -e .git/hook-fired ] || fail "the pre-commit hook never ran: $(cat out-1.txt)"
kill -9 "$COOK_PIDS"
wait "$COOK_PIDS" 2>/dev/null
# The git the harness started lives on in its own process group: let it end, then look.
for _ in $(seq 1 300); do [ -e .git/hook-done ] && break; sleep 0.1; done
sleep 0.5
expect_eq "$(git rev-parse HEAD)" "$setup" "no commit is reachable after a kill inside the commit"
expect_exit 0 "the resumed cook" "$SIMMER" cook
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (record passed)" "each commit made once"
for sha in $(git rev-list HEAD~2..HEAD); do
  body=$(git log -1 --format=%B "$sha")
  echo "$body" | grep -q '^Simmer-Run: r' || fail "commit $sha has no Simmer-Run trailer: $body"
  echo "$body" | grep -q '^Simmer-Seq: [0-9]' || fail "commit $sha has no Simmer-Seq trailer: $body"
done
grep '"kind":"commit"' .simmer/events.jsonl | grep -q '"sha":null' && fail "a commit was journaled without its sha"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "the index and work tree agree with HEAD"
expect_eq "$(git show HEAD~1:src/a.txt)" "a" "the build commit holds the builder's file"
check_journal
