#!/usr/bin/env bash
# A builder whose program does not exist: the run halts (exit 10) at once with what to do, no attempt is spent,
# nothing is blocked or committed, and the dependent story is not stranded. Fixed, the next cook resumes the
# same build and finishes.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:S-1"
write_config
sed -i 's|"builder": {"agent": "script", "scenario": "scenario.json"}|"builder": {"agent": "command", "command": ["/nonexistent/agent-cli"]}|' simmer.json
grep -q nonexistent simmer.json || fail "setup: the builder was not replaced"
write_scenario '[]'
commit_setup
expect_exit 10 "cook with a missing agent binary" "$SIMMER" cook
grep -qxF "halted (agent_cannot_start): the builder (command) cannot start: cannot start '/nonexistent/agent-cli': No such file or directory; fix simmer.json#/agents/builder or the agent's installation or login (\`simmer doctor --probe\` tries it), then run \`simmer cook\` to resume" out.txt ||
  fail "no halt line saying what to do: $(cat out.txt)"
expect_eq "$(grep -c '"kind":"session"' .simmer/events.jsonl)" "1" "sessions launched (no attempt after the first)"
grep -q '"outcome":"cannot_start"' .simmer/events.jsonl || fail "the session is not cannot_start"
expect_eq "$(event_kinds | grep -c story_blocked)" "0" "story_blocked events"
expect_eq "$(story_status S-1)" "pending" "S-1 status"
expect_eq "$(story_status S-2)" "pending" "S-2 status"
expect_eq "$(subjects)" "" "commits after the setup"
expect_eq "$(event_kinds | tail -1)" "run_finished" "last event"
grep '"kind":"run_finished"' .simmer/events.jsonl | grep -q '"exitCode":10' || fail "run_finished is not exit 10"
check_journal
write_config
git commit -qam "the builder is installed now"
expect_exit 0 "cook once the agent is fixed" "$SIMMER" cook
grep -q "resuming at build of S-1" out.txt || fail "did not resume the build: $(cat out.txt)"
expect_eq "$(story_status S-2)" "passed" "S-2 status"
check_journal
