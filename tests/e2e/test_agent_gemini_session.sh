#!/usr/bin/env bash
# The real Gemini CLI against the fake Gemini API: write_file and run_shell_command really run, tokens are
# recorded and priced from the table; --resume <session id> continues the conversation.
source "$(dirname "$0")/lib_agent.sh"
require_cli gemini

cat > "$work/scenario.json" <<JSON
{"conversations":[{"marker":"[[scenario:gemini-US-001]]","turns":[
  {"text":"Writing.","tool_calls":[{"name":"write_file","input":{"file_path":"$proj/gem.txt","content":"hi from gemini\n"}}],
   "usage":{"input":800,"output":30,"cacheRead":200}},
  {"tool_calls":[{"name":"run_shell_command","input":{"command":"cp gem.txt gem2.txt","description":"copy"}}],"usage":{"input":900,"output":20}},
  {"text":"Done: gem.txt written.","usage":{"input":1000,"output":10,"cacheRead":300}},
  {"text":"Resumed.","usage":{"input":1100,"output":5}}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:gemini-US-001]] write gem.txt" > "$work/prompt.md"
echo "continue" > "$work/fix.md"
env_flags=$(gemini_env)
run_driver "$work/r.json" --agent gemini --model gemini-2.5-pro --prompt-file "$work/prompt.md" $env_flags

[ "$(field "$work/r.json" .outcome)" = success ] || fail "outcome: $(cat "$work/r.json")"
[ "$(cat "$proj/gem.txt")" = "hi from gemini" ] || fail "gem.txt not written"
[ "$(cat "$proj/gem2.txt")" = "hi from gemini" ] || fail "shell command did not run"
[ "$(field "$work/r.json" .tokens.input)" = 2700 ] || fail "input tokens $(field "$work/r.json" .tokens.input)"
[ "$(field "$work/r.json" .tokens.cacheRead)" = 500 ] || fail "cache read tokens"
[ "$(field "$work/r.json" .tokens.output)" = 60 ] || fail "output tokens"
[ "$(field "$work/r.json" .turns)" = 3 ] || fail "turns"
[ "$(field "$work/r.json" .costReported)" = false ] || fail "gemini cost cannot be reported"
awk -v c="$(field "$work/r.json" .costUsd)" 'BEGIN { e = (2700*1.25 + 60*10 + 500*0.31) / 1e6; exit !(c > e - 1e-9 && c < e + 1e-9) }' || \
  fail "cost $(field "$work/r.json" .costUsd) is not the gemini-2.5-pro list price"
sid=$(field "$work/r.json" .sessionId)
run_driver "$work/fix.json" --agent gemini --model gemini-2.5-pro --prompt-file "$work/fix.md" --resume "$sid" $env_flags
[ "$(field "$work/fix.json" .outcome)" = success ] || fail "resume outcome: $(cat "$work/fix.json")"
[ "$(field "$work/fix.json" .sessionId)" = "$sid" ] || fail "resume ran another session"
grep -q 'write gem.txt' <<<"$(jq -c 'select(.main and .turn == 3) | .body.contents' "$LOG")" || \
  fail "resumed request lacks the first prompt"
echo "ok: gemini session with real edits, tokens and a computed cost; resume continues it"
