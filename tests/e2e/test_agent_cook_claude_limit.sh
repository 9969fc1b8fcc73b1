#!/usr/bin/env bash
# A usage limit in the middle of a cook through the real Claude Code: the fake server answers the builder's second
# request with a 429 "try again in 2s"; the session is journaled as usage_limit with its reset time, the loop
# journals retry_scheduled (usage_limit) with notBeforeMs at that reset and launches nothing before it, then resumes
# the same Claude session (its request carries the first request's Write) and the story passes.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude
cd "$proj"

mkdir -p .simmer/prompts
cat > .simmer/prd.json <<'JSON'
{"schemaVersion":1,"project":"demo","description":"e2e","stories":[
 {"id":"S-1","title":"Story S-1","description":"Create notes.txt saying one.","acceptanceCriteria":["notes.txt says one"],
  "priority":1,"dependencies":[],"epic":"","notes":"","status":"pending"}]}
JSON
for role in builder verifier; do
  { echo "[[scenario:$role-{{story_id}}]]"; cat "$SIMMER_SOURCE_DIR/prompts/one-shot/$role.md"; } > ".simmer/prompts/$role.md"
done
jq -n --arg p "$proj" '
  def u: {input: 1000, output: 100, cacheRead: 50, cacheWrite: 20};
  def write(f; c): {name: "Write", input: {file_path: "\($p)/\(f)", content: c}};
  {conversations: [
    {marker: "[[scenario:builder-S-1]]", turns: [
      {tool_calls: [write("notes.txt"; "one\n")], usage: u},
      {error: {status: 429, message: "Rate limit reached for requests. Please try again in 2s."}},
      {tool_calls: [write(".simmer/build.json"; ({schemaVersion: 1, storyId: "S-1", attempt: 0, summary: "built S-1",
         filesChanged: ["notes.txt"], testsAdded: [], patterns: []} | tostring))], usage: u},
      {text: "Built S-1.", usage: u}]},
    {marker: "[[scenario:verifier-S-1]]", turns: [
      {tool_calls: [write(".simmer/verdict.json"; ({schemaVersion: 1, storyId: "S-1", attempt: 0, verdict: "pass",
         summary: "notes.txt says one", criteria: [{criterion: "notes.txt says one", passed: true, evidence: "read it"}]}
         | tostring))], usage: u},
      {text: "Passed.", usage: u}]}]}' > "$work/scenario.json"
start_server "$work/scenario.json"
cook_with_role "$(claude_role)"
[ "$(jq -r '.stories[0].status' .simmer/prd.json)" = passed ] || fail "S-1 not passed: $(cat "$work/cook.txt")"
[ "$(cat notes.txt)" = one ] || fail "notes.txt: $(cat notes.txt)"
[ "$(jq -c 'select(.status == 429) | .turn' "$LOG")" = 1 ] || fail "the server did not answer one 429"

# Event times in Unix ms, for comparing with the journal's own ms fields.
events=$(jq -c '. + {ms: ((.ts[0:19] + "Z" | fromdateiso8601) * 1000 + (.ts[20:23] | tonumber))}' .simmer/events.jsonl)
builder=$(jq -c 'select(.kind == "session" and .data.role == "builder") | .data' <<<"$events")
[ "$(jq -r .outcome <<<"$builder" | tr '\n' ' ')" = "usage_limit success " ] || fail "builder sessions: $builder"
limited=$(head -1 <<<"$builder")
reset=$(jq .resetAtMs <<<"$limited")
[ "$reset" != null ] || fail "the usage_limit session has no resetAtMs: $limited"
# The reset was read from "try again in 2s" once the session had started, so it is 2 s past that start at least.
started=$(jq -s 'map(select(.kind == "phase_started" and .data.phase == "build")) | .[0].ms' <<<"$events")
[ "$reset" -ge $((started + 2000)) ] || fail "resetAtMs $reset is not 2 s after the session started at $started"
retries=$(jq -c 'select(.kind == "retry_scheduled")' <<<"$events")
[ "$(jq -s length <<<"$retries")" = 1 ] || fail "retry_scheduled events: $retries"
jq -e --argjson reset "$reset" '.data.reason == "usage_limit" and .data.phase == "build" and .data.retry == 1 and
  .data.notBeforeMs >= $reset and .data.delayMs >= 0 and .data.notBeforeMs - .data.delayMs <= .ms + 1' \
  <<<"$retries" > /dev/null || fail "retry_scheduled: $retries"
not_before=$(jq .data.notBeforeMs <<<"$retries")
# Nothing was launched before the reset: the next session started at notBeforeMs or later.
resumed=$(jq -s --argjson nb "$not_before" 'map(select(.kind == "phase_started")) | .[1]' <<<"$events")
jq -e --argjson nb "$not_before" '.data.phase == "build" and .data.attempt == 0 and .ms >= $nb' <<<"$resumed" \
  > /dev/null || fail "the retried session started before notBeforeMs $not_before: $resumed"
# The retry resumed the same Claude session: its request carries the first request's Write of notes.txt.
[ "$(jq -r .sessionId <<<"$builder" | sort -u | wc -l)" = 1 ] || fail "the retry ran another session: $builder"
earlier=$(jq -r 'select(.conversation == "[[scenario:builder-S-1]]" and .turn == 2) | .body.messages | tostring' "$LOG")
grep -qF '"content":"one\n"' <<<"$earlier" || fail "the resumed request lacks the first request's Write"
# The usage-limit session cost and tokens are in the journal like any other session's.
jq -e '.tokens.output == 100 and .costReported == true and .costUsd > 0' <<<"$limited" > /dev/null || \
  fail "usage_limit session record: $limited"
"$SIMMER" replay --check > /dev/null || fail "replay --check: $("$SIMMER" replay --check 2>&1)"
echo "ok: a 429 inside a cook through the real claude waits for its reset, resumes the session and passes"
