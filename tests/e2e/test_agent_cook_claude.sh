#!/usr/bin/env bash
# A three-story PRD cooked to the end through the real Claude Code against the fake model server: a verifier
# rejection and a FIX that resumes the builder's session (its request carries the earlier conversation), a 529
# that the loop retries, and journal cost/token totals equal to the sums of what the CLI reported.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude
cd "$proj"

mkdir -p .simmer/prompts
stories=""
for id in S-1 S-2 S-3; do
  stories="$stories${stories:+,}{\"id\":\"$id\",\"title\":\"Story $id\",\"description\":\"Create $id.txt.\",\"acceptanceCriteria\":[\"$id.txt exists\"],\"priority\":${id#S-},\"dependencies\":[],\"epic\":\"\",\"notes\":\"\",\"status\":\"pending\"}"
done
echo "{\"schemaVersion\":1,\"project\":\"demo\",\"description\":\"e2e\",\"stories\":[$stories]}" > .simmer/prd.json
# Markers that tell the fake server which conversation a request belongs to, in front of the built-in prompts.
for role in builder verifier; do
  { echo "[[scenario:$role-{{story_id}}]]"; cat "$SIMMER_SOURCE_DIR/prompts/one-shot/$role.md"; } > ".simmer/prompts/$role.md"
done

build() { # build <story> <attempt> <file content>
  printf '{"name":"Write","input":{"file_path":"%s/%s.txt","content":"%s\\n"}},' "$proj" "$1" "$3"
  printf '{"name":"Write","input":{"file_path":"%s/.simmer/build.json","content":%s}}' "$proj" \
    "$(jq -n --arg s "$1" --argjson a "$2" '{schemaVersion:1,storyId:$s,attempt:$a,summary:"built \($s)",filesChanged:["\($s).txt"],testsAdded:[],patterns:[]} | tostring')"
}
verdict() { # verdict <story> <attempt> <pass|fail_retry> <summary>
  printf '{"name":"Write","input":{"file_path":"%s/.simmer/verdict.json","content":%s}}' "$proj" \
    "$(jq -n --arg s "$1" --argjson a "$2" --arg v "$3" --arg m "$4" '{schemaVersion:1,storyId:$s,attempt:$a,verdict:$v,summary:$m,criteria:[{criterion:"\($s).txt exists",passed:($v=="pass"),evidence:"read it"}]} | tostring')"
}
u='"usage":{"input":1000,"output":100,"cacheRead":50,"cacheWrite":20}'
cat > "$work/scenario.json" <<JSON
{"conversations":[
 {"marker":"[[scenario:builder-S-1]]","turns":[
   {"tool_calls":[$(build S-1 0 draft)],$u}, {"text":"Built S-1.",$u},
   {"tool_calls":[$(build S-1 1 final)],$u}, {"text":"Fixed S-1.",$u}]},
 {"marker":"[[scenario:verifier-S-1]]","turns":[
   {"tool_calls":[$(verdict S-1 0 fail_retry "S-1.txt says draft")],$u}, {"text":"Rejected.",$u},
   {"tool_calls":[$(verdict S-1 1 pass "S-1.txt is final")],$u}, {"text":"Passed.",$u}]},
 {"marker":"[[scenario:builder-S-2]]","turns":[
   {"error":{"status":529,"message":"Overloaded"}},
   {"tool_calls":[$(build S-2 0 two)],$u}, {"text":"Built S-2.",$u}]},
 {"marker":"[[scenario:verifier-S-2]]","turns":[
   {"tool_calls":[$(verdict S-2 0 pass ok)],$u}, {"text":"Passed.",$u}]},
 {"marker":"[[scenario:builder-S-3]]","turns":[
   {"tool_calls":[$(build S-3 0 three)],$u}, {"text":"Built S-3.",$u}]},
 {"marker":"[[scenario:verifier-S-3]]","turns":[
   {"tool_calls":[$(verdict S-3 0 pass ok)],$u}, {"text":"Passed.",$u}]}]}
JSON
start_server "$work/scenario.json"
cook_with_role "$(claude_role)"
for id in S-1 S-2 S-3; do
  [ "$(jq -r --arg id "$id" '.stories[] | select(.id == $id) | .status' .simmer/prd.json)" = passed ] || fail "$id not passed"
done
[ "$(cat S-1.txt)" = final ] || fail "S-1.txt after the FIX: $(cat S-1.txt)"
sessions=$(grep '"kind":"session"' .simmer/events.jsonl)
# The FIX resumed the builder's own session, and its request carried the first build's conversation.
b1=$(jq -r 'select(.data.role == "builder" and .data.storyId == "S-1") | .data.sessionId' <<<"$sessions" | sort -u)
[ "$(wc -l <<<"$b1")" = 1 ] || fail "S-1 builder sessions differ: $b1"
# Everything before the FIX prompt (the last message) is the first build: its prompt and its Write of "draft".
earlier=$(jq -r 'select(.conversation == "[[scenario:builder-S-1]]" and .turn == 2) | .body.messages[:-1] | tostring' "$LOG")
grep -qF '[[scenario:builder-S-1]]' <<<"$earlier" || fail "the FIX request lacks the build prompt"
grep -qF '"content":"draft\n"' <<<"$earlier" || fail "the FIX request lacks the first build's Write"
# The 529 was a transient session, retried.
[ "$(jq -r 'select(.data.storyId == "S-2" and .data.role == "builder") | .data.outcome' <<<"$sessions" | tr '\n' ' ')" = "transient success " ] || \
  fail "S-2 builder outcomes: $(jq -r 'select(.data.storyId == "S-2") | .data.outcome' <<<"$sessions")"
grep -q '"kind":"retry_scheduled"' .simmer/events.jsonl || fail "no retry_scheduled event"
# Journal totals equal what the real CLI charged for each run. From Claude Code 2.1.300 on, the resumed FIX's
# total_cost_usd covers the whole conversation (its build too) while its usage is its own: each run's charge is
# then the difference from the session's previous total. Every session here has the same tokens, so each one,
# the FIX included, must cost the same in the journal.
journal_cost=$(jq -s 'map(.data.costUsd) | add' <<<"$sessions")
journal_out=$(jq -s 'map(.data.tokens.output) | add' <<<"$sessions")
reported=$(cat .simmer/sessions/*/*.jsonl | grep '"type":"result"')
version=$(cat .simmer/sessions/*/*.jsonl | grep -o '"claude_code_version":"[^"]*"' | head -1 | cut -d'"' -f4)
cumulative=$(awk -v v="$version" 'BEGIN { split(v, p, "."); print (p[1] > 2 || (p[1] == 2 && (p[2] > 1 || (p[2] == 1 && p[3] >= 300)))) ? "true" : "false" }')
per_run=$(ls .simmer/sessions/*/*.jsonl | sort -t/ -k4 -n | xargs -n1 grep -h '"type":"result"' |
  jq -s --argjson cum "$cumulative" 'reduce .[] as $r ({seen: {}, sum: 0};
    .sum += ($r.total_cost_usd - (if $cum then (.seen[$r.session_id] // 0) else 0 end))
    | .seen[$r.session_id] = $r.total_cost_usd) | .sum')
cli_out=$(jq -s 'map(.usage.output_tokens) | add' <<<"$reported")
[ "$(jq -s 'length' <<<"$reported")" = "$(jq -s 'length' <<<"$sessions")" ] || fail "not one result line per session"
awk -v a="$journal_cost" -v b="$per_run" 'BEGIN { exit !(a - b < 1e-9 && b - a < 1e-9 && a > 0) }' || \
  fail "journal cost $journal_cost != the CLI's per-run cost $per_run (claude $version)"
[ "$journal_out" = "$cli_out" ] || fail "journal output tokens $journal_out != CLI $cli_out"
fix_cost=$(jq -s 'map(select(.data.role == "builder" and .data.storyId == "S-1" and .data.attempt == 1)) | .[0].data.costUsd' <<<"$sessions")
build_cost=$(jq -s 'map(select(.data.role == "builder" and .data.storyId == "S-1" and .data.attempt == 0)) | .[0].data.costUsd' <<<"$sessions")
[ "$fix_cost" = "$build_cost" ] || fail "the resumed FIX cost $fix_cost, its build (same tokens) $build_cost (claude $version)"
echo "ok: three stories cooked through the real claude, with a rejection, a resumed FIX and a retried 529"
