#!/usr/bin/env bash
# A gate whose output is not UTF-8 (byte 0xff): the journal wrote it as U+FFFD but the cook folded the raw bytes,
# so writing state.json failed with `internal error: ... invalid UTF-8 byte` (exit 1) in the middle of the run. The
# event is now folded as the journal holds it: the run goes on through FIX to the end, state.json agrees with the
# journal, and FIX is shown the output with U+FFFD.
. "$(dirname "$0")/lib_input.sh"
write_prd "S-1:0:"
write_config '[{"name":"check","run":"printf \"bad \\377 out\\n\"; test -f ok.txt"}]'
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"write":"s1.txt","content":"one\n"}]},
                 {"role":"builder","story":"S-1","attempt":1,"actions":[{"savePrompt":"fix-prompt.txt"},{"write":"ok.txt","content":"ok\n"}]}]'
commit_setup
expect_exit 0 "cook" "$SIMMER" cook
grep -q '"outputTail":"bad \\ufffd out\\n"\|"outputTail":"bad � out\\n"' .simmer/events.jsonl ||
  fail "gate event: $(grep '"kind":"gate"' .simmer/events.jsonl | head -1)"
grep -q 'bad � out' fix-prompt.txt || fail "the fix prompt lacks the gate output"
python3 -c 'open(".simmer/state.json", encoding="utf-8", errors="strict").read()' || fail "state.json is not UTF-8"
check_journal
expect_eq "$(story_status S-1)" "passed" "S-1 status"
echo ok
