#!/usr/bin/env bash
# A failing gate goes straight to FIX with its output, and no verifier is paid for the failed build.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config '[{"name":"has-ok","run":"echo checking; test -f ok || { echo missing ok; exit 3; }"}]'
write_scenario '[{"role":"builder","attempt":0,"actions":[{"write":"draft","content":"x\n"}]},
                 {"role":"builder","attempt":1,"actions":[{"savePrompt":"fix-prompt.txt"},{"write":"ok","content":"y\n"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
grep -qx "  S-1 gate has-ok failed (exit 3)" out.txt || fail "no gate failure line: $(cat out.txt)"
verifier_attempts=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"verifier"' | sed 's/.*"attempt":\([0-9]*\).*/\1/' | tr '\n' ' ')
expect_eq "$verifier_attempts" "1 " "the verifier ran only for the fix"
grep -q "missing ok" fix-prompt.txt || fail "the fix prompt lacks the gate output"
grep -q 'gate "has-ok" failed (exit 3)' fix-prompt.txt || fail "the fix prompt lacks the gate summary"
expect_eq "$(subjects)" "S-1: Story S-1 (build)
S-1: Story S-1 (fix 1)
S-1: Story S-1 (record passed)" "commit subjects"
check_journal
