#!/usr/bin/env bash
# A builder that deletes a gate from simmer.json: the edit is undone before the build commit (never committed),
# the gate still runs in this run and the next one, its version is kept aside, and run_started pins the hash.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:"
write_config '[]'
mv simmer.json no-gates.json
write_config '[{"name":"check","run":"echo ran >> gate-log.txt"}]'
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"run":"cp no-gates.json simmer.json"},{"write":"a.txt","content":"a\n"}]}]'
commit_setup
printf 'gate-log.txt\n' >> .gitignore && git add .gitignore && git commit -qm ignore
before=$(file_hash simmer.json)
expect_exit 0 "cook" "$SIMMER" cook
expect_eq "$(file_hash simmer.json)" "$before" "simmer.json is as the user wrote it"
expect_eq "$(git rev-list HEAD -- simmer.json | wc -l)" "1" "commits touching simmer.json (the setup only)"
expect_eq "$(grep -c ran gate-log.txt)" "2" "the gate ran for both stories"
grep '"kind":"tamper_detected"' .simmer/events.jsonl | grep -q '"file":"simmer.json"' || fail "no tamper_detected for simmer.json"
cmp -s .simmer/tampered/*/*-simmer.json no-gates.json || fail "the agent's simmer.json was not kept aside"
want=$(file_hash simmer.json)
grep '"kind":"run_started"' .simmer/events.jsonl | grep -q "\"file\":\"simmer.json\",\"sha256\":\"$want\"" \
  || fail "run_started does not pin simmer.json's hash: $(grep run_started .simmer/events.jsonl | head -c 800)"
# The next run, after a user's edit between runs, pins the new hash.
write_config '[]'
git commit -qam "user: no gates"
expect_exit 0 "second cook" "$SIMMER" cook
want2=$(file_hash simmer.json)
[ "$want2" != "$want" ] || fail "the edit did not change the hash"
grep '"kind":"run_started"' .simmer/events.jsonl | tail -1 | grep -q "\"sha256\":\"$want2\"" || fail "second run pins the old hash"
check_journal
