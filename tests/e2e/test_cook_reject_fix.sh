#!/usr/bin/env bash
# The verifier rejects the build (fail_retry); the fix resumes the builder's session, then passes.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","attempt":0,"actions":[{"write":"a.txt","content":"draft\n"}]},
                 {"role":"verifier","attempt":0,"handoff":{"verdict":"fail_retry","summary":"a.txt says draft"}},
                 {"role":"builder","attempt":1,"actions":[{"savePrompt":"fix-prompt.txt"},{"write":"a.txt","content":"final\n"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
expect_eq "$(subjects)" "S-1: Story S-1 (build)
S-1: Story S-1 (fix 1)
S-1: Story S-1 (record passed)" "commit subjects"
grep -qx "  S-1 verdict fail_retry: a.txt says draft" out.txt || fail "no rejection line: $(cat out.txt)"
grep -q "verifier: a.txt says draft" fix-prompt.txt || fail "the fix prompt does not carry the verdict"
# FIX resumed the builder's own session.
build_session=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"builder"' | head -1 | sed 's/.*"sessionId":"\([^"]*\)".*/\1/')
fix_session=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"builder"' | sed -n 2p | sed 's/.*"sessionId":"\([^"]*\)".*/\1/')
expect_eq "$fix_session" "$build_session" "the fix resumed the build session"
expect_eq "$(cat a.txt)" "final" "work tree after the fix"
check_journal
