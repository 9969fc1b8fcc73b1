#!/usr/bin/env bash
# The real Claude Code, driven by simmer's supervisor against the fake model server: it really writes a file and
# runs a command; simmer's record (tokens, turns, cost, session id) equals what the CLI itself reported.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude

cat > "$work/scenario.json" <<JSON
{"conversations":[{"marker":"[[scenario:builder-US-001]]","turns":[
  {"text":"Writing hello.txt.","tool_calls":[{"name":"Write","input":{"file_path":"$proj/hello.txt","content":"hello from claude\n"}}],
   "usage":{"input":1000,"output":50,"cacheRead":200,"cacheWrite":300}},
  {"tool_calls":[{"name":"Bash","input":{"command":"cat hello.txt > copy.txt","description":"copy"}}],"usage":{"input":1100,"output":40}},
  {"text":"Done: hello.txt and copy.txt.","usage":{"input":1200,"output":30}}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:builder-US-001]] Create hello.txt" > "$work/prompt.md"
run_driver "$work/r.json" --agent claude --prompt-file "$work/prompt.md" --transcript "$work/t.jsonl" $(claude_env)

[ "$(field "$work/r.json" .outcome)" = success ] || fail "outcome: $(cat "$work/r.json")"
[ "$(cat "$proj/hello.txt")" = "hello from claude" ] || fail "hello.txt not written by the CLI"
[ "$(cat "$proj/copy.txt")" = "hello from claude" ] || fail "Bash tool did not run"
# What the real CLI reported in its result line ...
result=$(grep '"type":"result"' "$work/t.jsonl")
reported_cost=$(jq -r .total_cost_usd <<<"$result")
reported_in=$(jq -r .usage.input_tokens <<<"$result")
reported_out=$(jq -r .usage.output_tokens <<<"$result")
reported_sid=$(jq -r .session_id <<<"$result")
# ... is what simmer recorded.
[ "$(field "$work/r.json" .costUsd)" = "$reported_cost" ] || fail "cost $(field "$work/r.json" .costUsd) != $reported_cost"
[ "$(field "$work/r.json" .costReported)" = true ] || fail "cost not marked as reported"
[ "$(field "$work/r.json" .tokens.input)" = "$reported_in" ] || fail "input tokens differ"
[ "$(field "$work/r.json" .tokens.output)" = "$reported_out" ] || fail "output tokens differ"
[ "$(field "$work/r.json" .tokens.input)" = 3300 ] || fail "input tokens are not the scenario's 3300"
[ "$(field "$work/r.json" .tokens.cacheWrite)" = 300 ] || fail "cache write tokens are not 300"
[ "$(field "$work/r.json" .sessionId)" = "$reported_sid" ] || fail "session id differs"
[ "$(field "$work/r.json" .turns)" = 3 ] || fail "turns: $(field "$work/r.json" .turns)"
[ "$(field "$work/r.json" .finalText)" = "Done: hello.txt and copy.txt." ] || fail "final text"
grep -q '"kind":"tool_call","preview":"'"$proj"'/hello.txt"' "$work/r.json.events" || \
  grep -q '"preview":"'"$proj"'/hello.txt"' "$work/r.json.events" || fail "no Write tool_call event"
echo "ok: claude session recorded as the CLI reported it"
