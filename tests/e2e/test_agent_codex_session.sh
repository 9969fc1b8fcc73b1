#!/usr/bin/env bash
# The real Codex CLI (`codex exec --json`) against the fake Responses API: a real file edit, tokens recorded and a
# cost computed from the price table (Codex reports none); then `codex exec resume` continues the thread.
source "$(dirname "$0")/lib_agent.sh"
require_cli codex

cat > "$work/scenario.json" <<JSON
{"conversations":[{"marker":"[[scenario:codex-US-001]]","turns":[
  {"text":"Creating the file.","tool_calls":[{"name":"exec_command","input":{"cmd":"printf 'hi from codex\\\\n' > codex.txt"}}],
   "usage":{"input":900,"output":40,"cacheRead":100}},
  {"text":"Done: codex.txt created.","usage":{"input":1000,"output":20,"cacheRead":500}},
  {"text":"Resumed.","usage":{"input":1500,"output":10,"cacheRead":1000}}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:codex-US-001]] create codex.txt" > "$work/prompt.md"
echo "continue" > "$work/fix.md"
run_driver "$work/r.json" --agent codex --model gpt-5-codex --prompt-file "$work/prompt.md" $(codex_args)

[ "$(field "$work/r.json" .outcome)" = success ] || fail "outcome: $(cat "$work/r.json")"
[ "$(cat "$proj/codex.txt")" = "hi from codex" ] || fail "codex.txt not written"
[ "$(field "$work/r.json" .tokens.input)" = 1900 ] || fail "input tokens $(field "$work/r.json" .tokens.input)"
[ "$(field "$work/r.json" .tokens.cacheRead)" = 600 ] || fail "cache read tokens"
[ "$(field "$work/r.json" .tokens.output)" = 60 ] || fail "output tokens"
[ "$(field "$work/r.json" .costReported)" = false ] || fail "codex cost cannot be reported"
# gpt-5 list price: 1.25 in, 10 out, 0.125 cached per million
expected=$(awk 'BEGIN { printf "%.8f", (1900*1.25 + 60*10 + 600*0.125) / 1e6 }')
[ "$(jq -r '.costUsd * 1e8 | round / 1e8 | tostring' "$work/r.json")" = "$(awk -v e="$expected" 'BEGIN{print e+0}')" ] || \
  fail "cost $(field "$work/r.json" .costUsd) != $expected"
thread=$(field "$work/r.json" .sessionId)
run_driver "$work/fix.json" --agent codex --model gpt-5-codex --prompt-file "$work/fix.md" --resume "$thread" $(codex_args)
[ "$(field "$work/fix.json" .outcome)" = success ] || fail "resume outcome: $(cat "$work/fix.json")"
[ "$(field "$work/fix.json" .sessionId)" = "$thread" ] || fail "resume ran another thread"
grep -q 'create codex.txt' <<<"$(jq -c 'select(.main and .turn == 2) | .body.input' "$LOG")" || \
  fail "resumed request lacks the first prompt"
echo "ok: codex session with a real edit, tokens and a computed cost; resume continues the thread"
