#!/usr/bin/env bash
# kill -9 of `simmer cook` in the middle of a session, then cook again. The killed run's agent (a fake `claude`
# that reported some usage, then hangs) and the escapee it started in a session of its own live on after the
# kill; the next cook stops both before anything else, says so (a warning line and an agents_stopped event),
# and journals the killed session's spend as far as its transcript shows it (priced by simmer.json's
# `pricing`); then the story is built again and passes.
. "$(dirname "$0")/agent_lib.sh"
write_prd "S-1:0:"
mkdir -p bin
cat > bin/claude <<'SH'
#!/bin/sh
cat > /dev/null
if [ ! -e "$HOSTILE_PIDS/../second-cook" ]; then
  echo '{"type":"system","subtype":"init","session_id":"killed-1","model":"fake-model-1"}'
  echo '{"type":"assistant","message":{"id":"m1","model":"fake-model-1","content":[{"type":"text","text":"working"}],"usage":{"input_tokens":1000,"output_tokens":500,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}},"session_id":"killed-1"}'
  setsid sh -c 'echo $$ > "$HOSTILE_PIDS/escapee.pid"; exec sleep 300' < /dev/null > /dev/null 2>&1 &
  echo $$ > "$HOSTILE_PIDS/agent.pid"
  exec sleep 300
fi
printf '{"schemaVersion":1,"storyId":"%s","attempt":%s,"summary":"built","filesChanged":[],"testsAdded":[],"patterns":[]}\n' \
  "$SIMMER_STORY_ID" "$SIMMER_ATTEMPT" > "$SIMMER_HANDOFF"
echo '{"type":"system","subtype":"init","session_id":"second-1","model":"fake-model-1"}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"second-1","total_cost_usd":0.001,"num_turns":1,"usage":{"input_tokens":10,"output_tokens":5}}'
SH
chmod +x bin/claude
cat > simmer.json <<'JSON'
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {"agent": "claude", "model": "fake-model-1"},
    "verifier": {"agent": "script", "scenario": "scenario.json"}
  },
  "pricing": {"fake-model-1": {"input": 2, "output": 10}}
}
JSON
write_scenario '[]'
commit_setup
export PATH="$T/bin:$PATH"

cook_in_background out1.txt
agent=$(pid_of agent)
escapee=$(pid_of escapee)
# The usage line has reached the transcript (simmer writes each line through as it reads it).
for i in $(seq 1 300); do
  grep -qs '"id":"m1"' .simmer/sessions/*/*-builder-0.jsonl && break
  sleep 0.05
done
grep -qs '"id":"m1"' .simmer/sessions/*/*-builder-0.jsonl || fail "the usage line never reached the transcript"
kill -9 "$cook"
wait "$cook" 2>/dev/null
running "$agent" || fail "premise: the agent died with the cook, so this case shows nothing"
running "$escapee" || fail "premise: the escapee died with the cook"
killed_run=$(grep '"kind":"run_started"' .simmer/events.jsonl | tail -1 | sed 's/.*"runId":"\([^"]*\)".*/\1/')
grep -q '"kind":"session_launched"' .simmer/events.jsonl || fail "the killed run journaled no session_launched"

touch "$PIDS/../second-cook"
expect_exit 0 "cook after kill -9" "$SIMMER" cook
expect_stopped agent "the killed run's agent"
expect_stopped escapee "the killed run's escapee"
pids=$(printf '%s\n' "$agent" "$escapee" | sort -n | tr '\n' ' ' | sed 's/ $//; s/ /, /')
grep -qxF "simmer: warning: stopped 2 processes left running by the killed run $killed_run (pids $pids)" out.txt ||
  fail "no warning naming the stopped processes: $(head -c 3000 out.txt)"
stopped=$(grep '"kind":"agents_stopped"' .simmer/events.jsonl)
[ -n "$stopped" ] || fail "no agents_stopped event"
json_pids=$(printf '%s\n' "$agent" "$escapee" | sort -n | tr '\n' ',' | sed 's/,$//')
echo "$stopped" | grep -qF "\"pids\":[$json_pids]" || fail "agents_stopped names other pids: $stopped"
echo "$stopped" | grep -qF "\"runId\":\"$killed_run\"" || fail "agents_stopped names another run: $stopped"
recovered=$(grep '"kind":"session"' .simmer/events.jsonl | grep '"recovered":true')
[ "$(echo "$recovered" | grep -c .)" = 1 ] || fail "expected one recovered session event: $recovered"
echo "$recovered" | grep -qF '"tokens":{"cacheRead":0,"cacheWrite":0,"input":1000,"output":500}' ||
  fail "recovered tokens: $recovered"
echo "$recovered" | grep -qF '"costUsd":0.007' || fail "recovered cost (1000 x 2 + 500 x 10 per million): $recovered"
echo "$recovered" | grep -qF '"outcome":"interrupted"' || fail "recovered outcome: $recovered"
# The journal's order: the new run starts, says what it stopped, records the killed session, then works.
second=$(event_kinds | awk '/^run_started$/ {n++} n == 2' | tr '\n' ' ')
[[ "$second" =~ ^run_started\ (warning\ )+agents_stopped\ session\  ]] ||
  fail "the second run does not start with its warnings, agents_stopped, the recovered session: $second"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
