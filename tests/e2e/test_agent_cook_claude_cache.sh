#!/usr/bin/env bash
# Cache-friendly sessions through the real Claude Code (issue 14): every session of a two-story cook sends the
# fake model server byte-identical system prompts, although the project's git status changed between them (a
# story's commit), because simmer passes --exclude-dynamic-system-prompt-sections: the working directory and git
# status go into the first user message instead. Each role is offered its lean tool set and nothing else.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude
cd "$proj"

mkdir -p .simmer/prompts
stories=""
for id in S-1 S-2; do
  stories="$stories${stories:+,}{\"id\":\"$id\",\"title\":\"Story $id\",\"description\":\"Create $id.txt.\",\"acceptanceCriteria\":[\"$id.txt exists\"],\"priority\":${id#S-},\"dependencies\":[],\"epic\":\"\",\"notes\":\"\",\"status\":\"pending\"}"
done
echo "{\"schemaVersion\":1,\"project\":\"demo\",\"description\":\"e2e\",\"stories\":[$stories]}" > .simmer/prd.json
for role in builder verifier; do
  { echo "[[scenario:$role-{{story_id}}]]"; cat "$SIMMER_SOURCE_DIR/prompts/one-shot/$role.md"; } > ".simmer/prompts/$role.md"
done
jq -n --arg p "$proj" '
  def u: {input: 1000, output: 100, cacheRead: 0, cacheWrite: 0};
  def write(f; c): {name: "Write", input: {file_path: "\($p)/\(f)", content: c}};
  def build(s): [write("\(s).txt"; "\(s)\n"), write(".simmer/build.json"; ({schemaVersion: 1, storyId: s, attempt: 0,
    summary: "built \(s)", filesChanged: ["\(s).txt"], testsAdded: [], patterns: []} | tostring))];
  def verdict(s): [write(".simmer/verdict.json"; ({schemaVersion: 1, storyId: s, attempt: 0, verdict: "pass",
    summary: "ok", criteria: [{criterion: "\(s).txt exists", passed: true, evidence: "read it"}]} | tostring))];
  {conversations: [["S-1", "S-2"][] as $s |
    {marker: "[[scenario:builder-\($s)]]", turns: [{tool_calls: build($s), usage: u}, {text: "Built.", usage: u}]},
    {marker: "[[scenario:verifier-\($s)]]", turns: [{tool_calls: verdict($s), usage: u}, {text: "Passed.", usage: u}]}
  ]}' > "$work/scenario.json"
start_server "$work/scenario.json"
cook_with_role "$(claude_role)"
for id in S-1 S-2; do
  [ "$(jq -r --arg id "$id" '.stories[] | select(.id == $id) | .status' .simmer/prd.json)" = passed ] || \
    fail "$id not passed: $(cat "$work/cook.txt")"
done

# The agent loop's requests (the ones that offer tools), one line each: conversation, turn, system prompt, tools.
requests=$(jq -c 'select(.main) | {c: .conversation, turn, system: (.body.system | tostring),
  first: (.body.messages[0] | tostring), tools: [.body.tools[].name]}' "$LOG")
[ "$(jq -s 'map(.c) | unique | length' <<<"$requests")" = 4 ] || fail "not four sessions' requests: $requests"
system_of() { jq -r --arg c "[[scenario:$1]]" 'select(.c == $c) | .system' <<<"$requests" | sort -u; }
# Two sessions of one role, with a story's commits between them: the same system prompt, to the byte.
for role in builder verifier; do
  s1=$(system_of "$role-S-1")
  s2=$(system_of "$role-S-2")
  [ "$(wc -l <<<"$s1")" = 1 ] || fail "the $role's requests of S-1 differ in their system prompts"
  [ -n "$s1" ] && [ "$s1" = "$s2" ] || fail "the $role's system prompts of S-1 and S-2 differ:
$(diff <(echo "$s1") <(echo "$s2") | head -20)"
done
# Across roles too, but for Claude Code's first block: a billing attribution line whose last part differs
# between the builder's prompt and the verifier's.
across=$(jq -r '.system | fromjson | .[0].text' <<<"$requests" | sort -u)
grep -qv '^x-anthropic-billing-header: ' <<<"$across" && fail "the first system block is not the billing line: $across"
[ "$(jq -r '.system | fromjson | .[1:] | tostring' <<<"$requests" | sort -u | wc -l)" = 1 ] || \
  fail "the builder's and the verifier's system prompts differ past the billing line"
# The dynamic sections were moved, not lost: the git status, which changed between the sessions, is in each
# session's first user message and nowhere in the system prompt; so is the project's path.
jq -e --arg p "$proj" '.system | (contains("gitStatus") or contains("Recent commits") or contains($p)) | not' \
  <<<"$requests" > /dev/null || fail "a system prompt carries the git status or the project path"
statuses=$(jq -r 'select(.turn == 0) | .first | fromjson | .content[0].text' <<<"$requests")
[ "$(grep -c '^# gitStatus' <<<"$statuses")" = 4 ] || fail "the first user messages lack the git status: $statuses"
grep -qF 'S-1: Story S-1 (build)' <<<"$(jq -r 'select(.c == "[[scenario:builder-S-2]]" and .turn == 0) | .first' \
  <<<"$requests")" || fail "S-2's first message does not show S-1's commit in its git status"
# Each role is offered its lean set and nothing else (DeferredToolPlaceholder is Claude Code's own stand-in for
# tools it loads later, not a tool the model can call).
tools_of() { jq -r --arg c "$1" 'select(.c | startswith($c)) | .tools - ["DeferredToolPlaceholder"] | sort | join(",")' \
  <<<"$requests" | sort -u; }
[ "$(tools_of '[[scenario:builder-')" = "Bash,Edit,Glob,Grep,Read,Write" ] || fail "builder tools: $(tools_of '[[scenario:builder-')"
[ "$(tools_of '[[scenario:verifier-')" = "Bash,Glob,Grep,Read,Write" ] || fail "verifier tools: $(tools_of '[[scenario:verifier-')"
# The journal's launch record says which tools each session was offered: what --tools got.
launched=$(jq -c 'select(.kind == "session_launched") | [.data.role, (.data.tools | join(","))]' .simmer/events.jsonl | sort -u)
[ "$launched" = '["builder","Bash,Read,Edit,Write,Glob,Grep"]
["verifier","Bash,Read,Write,Glob,Grep"]' ] || fail "session_launched tools: $launched"
echo "ok: two stories through the real claude send one system prompt per role, to the byte, with lean tools"
