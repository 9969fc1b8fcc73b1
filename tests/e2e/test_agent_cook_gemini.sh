#!/usr/bin/env bash
# Two stories cooked to the end by `simmer cook` with the real Gemini CLI as builder and verifier, against the fake
# Gemini API: its own tool calls (write_file, replace, run_shell_command) create and edit the files and write the
# hand-offs; the verifier rejects S-1 once and the FIX resumes the builder's session (`--resume`); each story
# passes and is committed; every session record carries the tokens and turns the server reported for that session
# and the cost computed from the price table (to the bit); `simmer replay --check` passes.
source "$(dirname "$0")/lib_agent.sh"
require_cli gemini
cd "$proj"

mkdir -p .simmer/prompts
cat > .simmer/prd.json <<'JSON'
{"schemaVersion":1,"project":"demo","description":"e2e","stories":[
 {"id":"S-1","title":"Story S-1","description":"Create notes.txt saying one.","acceptanceCriteria":["notes.txt says one"],
  "priority":1,"dependencies":[],"epic":"","notes":"","status":"pending"},
 {"id":"S-2","title":"Story S-2","description":"Add a line two to notes.txt.","acceptanceCriteria":["notes.txt says one, two"],
  "priority":2,"dependencies":["S-1"],"epic":"","notes":"","status":"pending"}]}
JSON
# Markers that tell the fake server which conversation a request belongs to, in front of the built-in prompts.
for role in builder verifier; do
  { echo "[[scenario:$role-{{story_id}}]]"; cat "$SIMMER_SOURCE_DIR/prompts/one-shot/$role.md"; } > ".simmer/prompts/$role.md"
done

build_json() { # build_json <story> <attempt>: the builder's hand-off, one line
  jq -cn --arg s "$1" --argjson a "$2" '{schemaVersion:1,storyId:$s,attempt:$a,summary:"built \($s)",filesChanged:["notes.txt"],testsAdded:[],patterns:[]}'
}
verdict_json() { # verdict_json <story> <attempt> <pass|fail_retry> <criterion>
  jq -cn --arg s "$1" --argjson a "$2" --arg v "$3" --arg c "$4" '{schemaVersion:1,storyId:$s,attempt:$a,verdict:$v,summary:"\($s) \($v)",criteria:[{criterion:$c,passed:($v == "pass"),evidence:"read notes.txt"}]}'
}
to_handoff() { printf "printf '%%s\\n' '%s' > \"\$SIMMER_HANDOFF\"" "$1"; }
jq -n --arg p "$proj" --arg b1 "$(build_json S-1 0)" \
      --arg v1 "$(to_handoff "$(verdict_json S-1 0 fail_retry 'notes.txt says one')")" \
      --arg bf "$(build_json S-1 1)" \
      --arg vf "$(to_handoff "$(verdict_json S-1 1 pass 'notes.txt says one')")" \
      --arg b2 "$(to_handoff "$(build_json S-2 0)")" \
      --arg v2 "$(verdict_json S-2 0 pass 'notes.txt says one, two')" '
  def u(i; o; c): {input: i, output: o, cacheRead: c};
  def sh(c): {name: "run_shell_command", input: {command: c, description: "shell"}};
  def write(f; c): {name: "write_file", input: {file_path: "\($p)/\(f)", content: c}};
  def replace(f; a; b): {name: "replace", input: {file_path: "\($p)/\(f)", instruction: "Edit \(f).", old_string: a, new_string: b}};
  {conversations: [
    {marker: "[[scenario:builder-S-1]]", turns: [
      {text: "Creating notes.txt.", tool_calls: [write("notes.txt"; "won\n")], usage: u(1200; 40; 300)},
      {tool_calls: [write(".simmer/build.json"; "\($b1)\n")], usage: u(1500; 60; 700)},
      {text: "Built S-1.", usage: u(1700; 20; 900)},
      {text: "Fixing the typo.", tool_calls: [replace("notes.txt"; "won\n"; "one\n")], usage: u(2600; 80; 1500)},
      {tool_calls: [write(".simmer/build.json"; "\($bf)\n")], usage: u(2900; 25; 1700)},
      {text: "Fixed S-1.", usage: u(3100; 15; 2000)}]},
    {marker: "[[scenario:verifier-S-1]]", turns: [
      {tool_calls: [sh("cat notes.txt")], usage: u(1100; 30; 0)},
      {tool_calls: [sh($v1)], usage: u(1300; 50; 400)},
      {text: "S-1 says won.", usage: u(1400; 10; 600)},
      {tool_calls: [sh($vf)], usage: u(1250; 45; 350)},
      {text: "S-1 passes.", usage: u(1350; 5; 550)}]},
    {marker: "[[scenario:builder-S-2]]", turns: [
      {tool_calls: [replace("notes.txt"; "one\n"; "one\ntwo\n")], usage: u(2100; 70; 100)},
      {tool_calls: [sh($b2)], usage: u(2300; 45; 1100)},
      {text: "Built S-2.", usage: u(2500; 15; 1300)}]},
    {marker: "[[scenario:verifier-S-2]]", turns: [
      {tool_calls: [write(".simmer/verdict.json"; "\($v2)\n")], usage: u(900; 35; 0)},
      {text: "S-2 passes.", usage: u(1000; 5; 800)}]}]}' > "$work/scenario.json"
start_server "$work/scenario.json"
mkdir -p "$HOME/.gemini"
echo '{"security":{"auth":{"selectedType":"gemini-api-key"}}}' > "$HOME/.gemini/settings.json"
role=$(jq -cn --arg url "http://127.0.0.1:$PORT" '{agent:"gemini",model:"gemini-2.5-pro",timeout:120,
  env:{GOOGLE_GEMINI_BASE_URL:$url,GEMINI_API_KEY:"fake-key"}}')
cat > simmer.json <<JSON
{"schemaVersion":1,"project":"demo","agents":{"orchestrator":{"agent":"harness"},"builder":$role,"verifier":$role},"gates":[]}
JSON
printf '.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n' > .gitignore
git add -A && git commit -qm setup

"$SIMMER" cook > "$work/cook.txt" 2>&1 || fail "cook exit $?: $(cat "$work/cook.txt")"
for id in S-1 S-2; do
  [ "$(jq -r --arg id "$id" '.stories[] | select(.id == $id) | .status' .simmer/prd.json)" = passed ] || fail "$id not passed"
done
# The edits are gemini's own: write_file created the file, replace fixed it and added a line to it.
[ "$(cat notes.txt)" = "$(printf 'one\ntwo')" ] || fail "notes.txt: $(cat notes.txt)"
[ "$(git log --reverse --format=%s | tail -n +2 | tr '\n' '|')" = \
  "S-1: Story S-1 (build)|S-1: Story S-1 (fix 1)|S-1: Story S-1 (record passed)|S-2: Story S-2 (build)|S-2: Story S-2 (record passed)|" ] || \
  fail "commits: $(git log --reverse --format=%s)"
[ "$(git show HEAD~4:notes.txt)" = won ] || fail "S-1's build commit lacks notes.txt"
[ "$(git show HEAD~3:notes.txt)" = one ] || fail "S-1's fix commit lacks the fixed notes.txt"
[ -z "$(git status --porcelain -- . ':(exclude).simmer')" ] || fail "work tree not clean: $(git status --porcelain)"
# Every hand-off was the agent's (write_file, or a shell command on $SIMMER_HANDOFF) and accepted.
[ "$(jq -r 'select(.kind == "handoff_accepted") | "\(.data.storyId)/\(.data.attempt)"' .simmer/events.jsonl | tr '\n' ' ')" = \
  "S-1/0 S-1/1 S-2/0 " ] || fail "builder hand-offs: $(grep handoff_ .simmer/events.jsonl)"
[ "$(jq -r 'select(.kind == "verdict") | "\(.data.storyId)/\(.data.attempt) \(.data.verdict)"' .simmer/events.jsonl | tr '\n' '|')" = \
  "S-1/0 fail_retry|S-1/1 pass|S-2/0 pass|" ] || fail "verdicts: $(jq -c 'select(.kind == "verdict")' .simmer/events.jsonl)"
[ "$(jq -r 'select(.kind == "story_passed") | "\(.data.storyId) \(.data.attempts)"' .simmer/events.jsonl | tr '\n' '|')" = \
  "S-1 2|S-2 1|" ] || fail "story_passed events"

# Each session's tokens and turns are those of the turns it played, as the server reported them (Gemini counts
# cached tokens inside promptTokenCount; the record splits them out), and gemini-2.5-pro's entry of the price
# table applied to them.
sessions=$(jq -c 'select(.kind == "session") | .data' .simmer/events.jsonl)
# role story attempt conversation first-turn last-turn, in the order the loop ran them
plan="builder S-1 0 0 2
verifier S-1 0 0 2
builder S-1 1 3 5
verifier S-1 1 3 4
builder S-2 0 0 2
verifier S-2 0 0 1"
[ "$(jq -s length <<<"$sessions")" = 6 ] || fail "sessions: $sessions"
i=0
while read -r r s a from to; do
  i=$((i + 1))
  got=$(sed -n "${i}p" <<<"$sessions")
  want=$(jq -cS --arg m "[[scenario:$r-$s]]" --argjson from "$from" --argjson to "$to" '.conversations[] |
    select(.marker == $m) | .turns[$from:$to + 1] | map(.usage) |
    {input: map(.input) | add, output: map(.output) | add, cacheRead: map(.cacheRead) | add, cacheWrite: 0}' "$work/scenario.json")
  [ "$(jq -cS .tokens <<<"$got")" = "$want" ] || fail "$r $s attempt $a: tokens $(jq -c .tokens <<<"$got") != $want"
  [ "$(jq .turns <<<"$got")" = $((to - from + 1)) ] || fail "$r $s attempt $a: turns $(jq .turns <<<"$got")"
  jq -e --arg r "$r" --arg s "$s" --argjson a "$a" '.role == $r and .storyId == $s and .attempt == $a and
         .agent == "gemini" and .model == "gemini-2.5-pro" and .outcome == "success" and .costReported == false and
         (.sessionId | length > 0) and
         .costUsd == ((.tokens.input * 1.25 + .tokens.output * 10 + .tokens.cacheRead * 0.31 + .tokens.cacheWrite * 0) / 1e6)' \
    <<<"$got" > /dev/null || fail "session $i ($r $s attempt $a): $got"
done <<<"$plan"
# The FIX resumed the build's session, and its request carried the build's conversation.
[ "$(jq -r 'select(.role == "builder" and .storyId == "S-1") | .sessionId' <<<"$sessions" | sort -u | wc -l)" = 1 ] || \
  fail "the FIX did not resume the build's session: $sessions"
[ "$(jq -r '.sessionId' <<<"$sessions" | sort -u | wc -l)" = 5 ] || fail "session ids: $sessions"
grep -qF 'Creating notes.txt.' <<<"$(jq -c 'select(.conversation == "[[scenario:builder-S-1]]" and .turn == 3) | .body.contents' "$LOG")" || \
  fail "the FIX request lacks the build's conversation"
# Each story's cost is the sum of its sessions'.
for id in S-1 S-2; do
  jq -se --arg id "$id" '(map(select(.kind == "session" and .data.storyId == $id) | .data.costUsd) | add) as $sum |
    map(select(.kind == "story_passed" and .data.storyId == $id) | .data.costUsd) == [$sum] and $sum > 0' \
    .simmer/events.jsonl > /dev/null || fail "$id story_passed cost is not the sum of its sessions"
done
"$SIMMER" replay --check > /dev/null || fail "replay --check: $("$SIMMER" replay --check 2>&1)"
echo "ok: two stories cooked through the real gemini (a rejection, a resumed FIX): its edits, its hand-offs, committed; tokens and cost exact"
