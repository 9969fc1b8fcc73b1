#!/usr/bin/env bash
# state.json is a cache of the journal written lazily: it is current whenever the loop waits (here: during an
# agent session), a state.json a killed run left a few events behind is rebuilt silently, and one that is not a
# state the journal passed through (edited, or ahead of the journal) is rebuilt with a warning.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:0:"
write_config
write_scenario '[{"role":"builder","attempt":0,"actions":[{"run":"cp .simmer/state.json out-state.txt; tail -n 1 .simmer/events.jsonl > out-last.txt; sleep 0.2"}]}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook exit code ($(cat out.txt))"
# During the builder's session state.json held the journal's last seq.
last_seq=$(sed 's/.*"seq":\([0-9]*\).*/\1/' out-last.txt)
grep -q "\"seq\": $last_seq," out-state.txt || fail "state.json during the session is not at seq $last_seq: $(grep '"seq"' out-state.txt)"
check_journal

# Behind the journal by a few events (a kill -9 before the next write): rebuilt without a warning.
cp .simmer/state.json out-behind.txt
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "second cook exit code ($(cat out.txt))"
cp out-behind.txt .simmer/state.json
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "third cook exit code ($(cat out.txt))"
grep -q "disagreed with the journal" .simmer/events.jsonl && fail "a lagging state.json was reported: $(grep disagreed .simmer/events.jsonl)"
check_journal

# Edited (same seq, different content): rebuilt with a warning.
sed -i 's/"passed"/"blocked"/' .simmer/state.json
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook after the edit exit code ($(cat out.txt))"
grep -q 'state.json (seq [0-9]*) disagreed with the journal (seq [0-9]*); rewritten' .simmer/events.jsonl ||
  fail "no warning for an edited state.json: $(cat out.txt)"
check_journal

# Ahead of the journal: rebuilt with a warning naming both seqs.
seq_now=$(sed 's/.*"seq":\([0-9]*\).*/\1/' .simmer/events.jsonl | tail -n 1)
sed -i "s/\"seq\": $seq_now,/\"seq\": 9999,/" .simmer/state.json
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook after the seq edit exit code ($(cat out.txt))"
grep -q "state.json (seq 9999) disagreed with the journal (seq $seq_now)" .simmer/events.jsonl ||
  fail "no warning for a state.json ahead of the journal: $(cat out.txt)"
check_journal
