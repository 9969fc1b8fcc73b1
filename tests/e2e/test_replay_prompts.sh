#!/usr/bin/env bash
# What each agent was told is journaled: every session_launched carries the prompt's file, sha256 and size;
# `replay --prompts` lists them, `replay --prompt SEQ` prints one, and a prompt file changed afterwards is said
# to be changed (exit 1), never shown as what the agent read.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:1:"
write_config '[]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"write":"s1.txt","content":"one\n"}]}]'
commit_setup
"$SIMMER" cook > /dev/null 2>&1 || fail "cook failed"
launches=$(grep '"kind":"session_launched"' .simmer/events.jsonl)
expect_eq "$(echo "$launches" | grep -c '"prompt":{"bytes":[0-9]*,"file":".simmer/sessions/r[^"]*prompt.md","sha256":"[0-9a-f]\{64\}"}')" "2" \
  "both launches journal their prompt"
list=$("$SIMMER" replay --prompts)
expect_eq "$(echo "$list" | wc -l)" "2" "one line per launch: $list"
echo "$list" | grep -q ' builder .*S-1 .*attempt 0 .* ok .*builder-0.prompt.md$' || fail "builder launch not listed: $list"
seq=$(echo "$list" | awk '/ builder /{print $1}')
"$SIMMER" replay --prompt "$seq" > shown.txt || fail "replay --prompt $seq failed"
grep -q 'S-1' shown.txt || fail "the builder's prompt does not name its story"
file=$(echo "$list" | awk '/ builder /{print $NF}')
cmp -s shown.txt "$file" || fail "replay --prompt is not the file's content"
# The journal's hash is the truth: an edited prompt file is reported, not shown.
echo "edited" >> "$file"
err=$("$SIMMER" replay --prompt "$seq" 2>&1 >/dev/null)
expect_eq "$?" "1" "exit code for a changed prompt"
expect_eq "$err" "simmer: error: prompt of seq $seq ($file): the file no longer holds what the journal hashed" "message"
"$SIMMER" replay --prompts --json | grep -q '"status": "changed"' || fail "--json does not say changed"
err=$("$SIMMER" replay --prompt 999 2>&1 >/dev/null)
expect_eq "$?" "2" "exit code for a seq with no launch"
echo "$err" | grep -q 'no session_launched event with a prompt at that seq' || fail "message: $err"
check_journal
