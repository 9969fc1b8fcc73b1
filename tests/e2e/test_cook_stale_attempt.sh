#!/usr/bin/env bash
# The hand-off binding's attempt half: in FIX (attempt 1) the builder writes a build.json that says attempt 0 (an
# earlier attempt's report). It is refused with the exact error, the builder repairs it, and only then does the
# attempt go on to its commit.
. "$(dirname "$0")/lib_cook.sh"
write_prd "A-1:1:"
write_config '[{"name":"fixed","run":"grep -q fixed src/a.txt"}]'
write_scenario '[
 {"role":"builder","story":"A-1","attempt":0,"actions":[{"write":"src/a.txt","content":"first\n"}]},
 {"role":"builder","story":"A-1","attempt":1,"repair":0,"actions":[{"write":"src/a.txt","content":"fixed\n"}],"handoff":{"attempt":0}},
 {"role":"builder","story":"A-1","attempt":1,"repair":1,"actions":[]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook ($(cat out.txt))"
invalid=$(grep '"kind":"handoff_invalid"' .simmer/events.jsonl)
case "$invalid" in
  *'".simmer/build.json#/attempt: expected 1, found 0"'*) ;;
  *) fail "the stale attempt was not refused: ${invalid:-no handoff_invalid event}" ;;
esac
expect_eq "$(grep -c '"kind":"handoff_invalid"' .simmer/events.jsonl)" "1" "one refusal, then the repair is accepted"
expect_eq "$(grep '"kind":"handoff_accepted"' .simmer/events.jsonl | grep -c '"attempt":1')" "1" "attempt 1 accepted once"
expect_eq "$(subjects)" "A-1: Story A-1 (build)
A-1: Story A-1 (fix 1)
A-1: Story A-1 (record passed)" "commits"
check_journal
