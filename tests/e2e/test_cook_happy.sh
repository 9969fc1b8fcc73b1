#!/usr/bin/env bash
# Happy path: three stories (one depends on another) all pass with one commit per build and per record; the
# journal is contiguous and replays to state.json.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:2:" "S-2:1:S-3" "S-3:0:"
write_config '[{"name":"check","run":"test -f s3.txt"}]'
write_scenario '[{"role":"builder","story":"S-3","actions":[{"write":"s3.txt","content":"three\n"}]},
                 {"role":"builder","story":"S-1","actions":[{"write":"s1.txt","content":"one\n"}]},
                 {"role":"builder","story":"S-2","actions":[{"write":"s2.txt","content":"two\n"}]}]'
commit_setup
out=$("$SIMMER" cook 2>&1)
code=$?
expect_eq "$code" "0" "cook exit code (output: $out)"
expect_eq "$(subjects)" "S-3: Story S-3 (build)
S-3: Story S-3 (record passed)
S-2: Story S-2 (build)
S-2: Story S-2 (record passed)
S-1: Story S-1 (build)
S-1: Story S-1 (record passed)" "commit subjects"
for id in S-1 S-2 S-3; do expect_eq "$(story_status $id)" "passed" "$id status"; done
echo "$out" | grep -qx "S-2 passed (1 attempt, \$0.0200)" || fail "no pass line for S-2 in: $out"
echo "$out" | grep -qx "3 passed, 0 blocked, 0 pending; spent \$0.0600" || fail "no summary line in: $out"
git show --format=%B -s HEAD | grep -q '^Simmer-Seq: [0-9]*$' || fail "record commit has no Simmer-Seq trailer"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "work tree clean after the run"
check_journal
# Every journal line and state.json validate against their schemas.
"$SIMMER" validate .simmer/events.jsonl .simmer/state.json > /dev/null || fail "journal or state invalid: $("$SIMMER" validate .simmer/events.jsonl .simmer/state.json 2>&1)"
