#!/usr/bin/env bash
# A FIX resumes the builder's real Claude Code session: the resumed request carries the earlier conversation, and
# the file written in the first session is edited in the second.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude

cat > "$work/scenario.json" <<JSON
{"conversations":[{"marker":"[[scenario:builder-US-002]]","turns":[
  {"text":"Writing.","tool_calls":[{"name":"Write","input":{"file_path":"$proj/a.txt","content":"one\n"}}],"usage":{"input":500,"output":20}},
  {"text":"Built.","usage":{"input":600,"output":10}},
  {"tool_calls":[{"name":"Edit","input":{"file_path":"$proj/a.txt","old_string":"one","new_string":"two"}}],"usage":{"input":700,"output":15}},
  {"text":"Fixed.","usage":{"input":800,"output":5}}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:builder-US-002]] Build a.txt with the word one" > "$work/build.md"
echo "The verifier rejected it: a.txt must say two. Fix it." > "$work/fix.md"
run_driver "$work/build.json" --agent claude --prompt-file "$work/build.md" $(claude_env)
sid=$(field "$work/build.json" .sessionId)
[ -n "$sid" ] || fail "no session id"
run_driver "$work/fix.json" --agent claude --prompt-file "$work/fix.md" --resume "$sid" $(claude_env)

[ "$(field "$work/fix.json" .outcome)" = success ] || fail "fix outcome: $(cat "$work/fix.json")"
[ "$(field "$work/fix.json" .sessionId)" = "$sid" ] || fail "the FIX ran in another session"
[ "$(cat "$proj/a.txt")" = two ] || fail "a.txt was not edited"
# The request of the FIX's first turn (turn 2) holds the build prompt and the first session's tool call.
fix_request=$(jq -c 'select(.main and .turn == 2) | .body.messages' "$LOG")
grep -q 'Build a.txt with the word one' <<<"$fix_request" || fail "resumed request lacks the original prompt"
grep -q '"name":"Write"' <<<"$fix_request" || fail "resumed request lacks the earlier Write call"
grep -q 'a.txt must say two' <<<"$fix_request" || fail "resumed request lacks the FIX prompt"
[ "$(field "$work/fix.json" .tokens.input)" = 1500 ] || fail "FIX tokens are not its own (1500)"
echo "ok: FIX resumed the claude session with its earlier conversation"
