#!/usr/bin/env bash
# Fault answers from the model reach simmer as the right outcomes through the real Claude Code: 529 overloaded is
# transient (and the next session succeeds), a 429 with "try again in 2s" is a usage limit with its reset time.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude

cat > "$work/scenario.json" <<JSON
{"conversations":[
 {"marker":"[[scenario:overloaded]]","turns":[
   {"error":{"status":529,"message":"Overloaded"}},
   {"text":"Worked on retry.","usage":{"input":100,"output":10}}]},
 {"marker":"[[scenario:limited]]","turns":[
   {"error":{"status":429,"message":"Rate limit reached for requests. Please try again in 2s."}}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:overloaded]] hi" > "$work/a.md"
echo "[[scenario:limited]] hi" > "$work/b.md"
run_driver "$work/first.json" --agent claude --prompt-file "$work/a.md" $(claude_env)
[ "$(field "$work/first.json" .outcome)" = transient ] || fail "529 outcome: $(cat "$work/first.json")"
run_driver "$work/retry.json" --agent claude --prompt-file "$work/a.md" $(claude_env)
[ "$(field "$work/retry.json" .outcome)" = success ] || fail "retry outcome: $(cat "$work/retry.json")"
[ "$(field "$work/retry.json" .finalText)" = "Worked on retry." ] || fail "retry text"

before=$(date +%s%3N)
run_driver "$work/limit.json" --agent claude --prompt-file "$work/b.md" $(claude_env)
[ "$(field "$work/limit.json" .outcome)" = usage_limit ] || fail "429 outcome: $(cat "$work/limit.json")"
reset=$(field "$work/limit.json" .resetAtMs)
[ "$reset" != null ] || fail "no reset time read from the 429 message"
[ "$reset" -ge $((before + 2000)) ] || fail "reset time $reset is before the 2 s the server asked for"
[ "$(jq -c 'select(.status == 529 or .status == 429) | .status' "$LOG" | wc -l)" = 2 ] || fail "server log"
echo "ok: 529 is transient and retryable, 429 is a usage limit with its reset"
