#!/usr/bin/env bash
# `simmer logs -f` while a cook runs in the background (issue 13 item 6): it prints the builder's session as it
# grows, moves on to the verifier's session when it starts, and ends by itself (exit 0) when the cook ends. The
# test waits on file contents, never on time: the builder blocks until the test has seen `logs -f` print its
# first line.
. "$(dirname "$0")/lib_cook.sh"
write_prd "S-1:1:"
write_config '[]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"say":"waiting for the test"},
                   {"run":"while [ ! -f out-go.txt ]; do sleep 0.05; done; echo released"},
                   {"write":"s1.txt","content":"one\n"}]}]'
commit_setup

# wait_for_text FILE LINE: waits (up to 60 s) until FILE holds LINE.
wait_for_text() {
  local i
  for i in $(seq 1 600); do
    grep -qxF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$1 never showed '$2': $(cat "$1")"
}

root=$(pwd -P)  # the script agent writes its hand-off by its absolute path
cook_in_background out-cook.txt
wait_for_event session_launched '"role":"builder"'
"$SIMMER" logs -f > out-follow.txt 2> out-follow-err.txt &
logs=$!
COOK_PIDS="$COOK_PIDS $logs"
# The builder's first line, printed while its session still runs (it waits for out-go.txt).
wait_for_text out-follow.txt "  waiting for the test"
grep -q 'released' out-follow.txt && fail "logs -f printed what the builder had not done yet"
touch out-go.txt
wait "$cook"; rc=$?
expect_eq "$rc" "0" "cook exit code ($(cat out-cook.txt))"
wait "$logs"; rc=$?
expect_eq "$rc" "0" "logs -f exit code ($(cat out-follow-err.txt))"
expect_eq "$(cat out-follow-err.txt)" "" "logs -f stderr"
out=$(sed 's/, started [0-9TZ:.-]*: .*/, started <ts>/; s/ in [0-9.]*s, / in <t>, /' out-follow.txt)
expect_eq "$out" "== S-1 builder attempt 0 (script), started <ts>
  waiting for the test
  > run while [ ! -f out-go.txt ]; do sleep 0.05; done; echo released
    | released
  > write s1.txt
  > write $root/.simmer/build.json
  = success: 4 turns, 0 in / 0 out tokens, \$0.0100
== builder success in <t>, \$0.0100; 0 in / 0 out tokens
== S-1 verifier attempt 0 (script), started <ts>
  > write $root/.simmer/verdict.json
  = success: 1 turn, 0 in / 0 out tokens, \$0.0100
== verifier success in <t>, \$0.0100; 0 in / 0 out tokens" "logs -f output"
echo ok
