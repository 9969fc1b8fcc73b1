#!/usr/bin/env bash
# A secret-scanning pre-commit hook refuses the builder's commit: nothing with the secret is committed, the attempt
# fails like a gate (journaled as the "pre-commit hook" gate, with the hook's output), FIX is told what the hook
# said, and the fixed attempt passes.
. "$(dirname "$0")/lib_fault.sh"
write_prd "A-1:1:"
write_config
write_scenario '[
 {"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"key = SECRET-123\n"}]},
 {"role":"builder","story":"A-1","attempt":1,"actions":[{"savePrompt":"out-fix-prompt.txt"},{"write":"src/a.txt","content":"key = from the vault\n"}]}]'
commit_setup  # before the hooks exist: they are for simmer's commits
write_hook pre-commit <<'SH'
#!/bin/sh
if git diff --cached | grep -q SECRET; then
  echo "secret-scan: a secret is staged in $(git diff --cached --name-only | tr '\n' ' ')" >&2
  exit 3
fi
SH
expect_exit 0 "cook" "$SIMMER" cook
git log -p -- src | grep -q SECRET && fail "the secret was committed"
hook_gate=$(grep '"kind":"gate"' .simmer/events.jsonl | head -1)
case "$hook_gate" in
  *'"name":"pre-commit hook"'*'"passed":false'*) ;;
  *) fail "the refusal is not journaled as a failed gate: $hook_gate" ;;
esac
case "$hook_gate" in *'"exitCode":3'*'secret-scan: a secret is staged in src/a.txt'*) ;; *) fail "exit code and output: $hook_gate" ;; esac
grep -q 'gate "pre-commit hook" failed (exit 3)' out-fix-prompt.txt || fail "FIX was not told: $(cat out-fix-prompt.txt)"
grep -q 'secret-scan: a secret is staged in src/a.txt' out-fix-prompt.txt || fail "FIX did not get the hook's output"
expect_eq "$(subjects)" "A-1: Story A-1 (fix 1)
A-1: Story A-1 (record passed)" "only the fixed attempt is committed"
expect_eq "$(story_status A-1)" "passed" "the story passes"
expect_eq "$(git show HEAD~1:src/a.txt)" "key = from the vault" "the fix is committed"
check_journal
