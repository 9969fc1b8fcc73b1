# Shared by the whole-cook tests of the token-reporting CLIs (test_agent_cook_codex.sh, test_agent_cook_gemini.sh):
# the same two-story project, the same loop (the verifier rejects S-1 once, the FIX resumes the builder's
# session), and the same checks of what reached git and the journal. Source it after lib_agent.sh, from "$proj".

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

# cook_two_stories <role json>: cooks the project with that role as builder and verifier (cook_with_role) and checks
# the outcome: both stories passed, notes.txt as the agent's edits left it (the build wrote "won", the FIX
# "one", S-2 added "two") in the right commits, a clean tree, the agent's hand-offs accepted, the verdicts.
cook_two_stories() {
  cook_with_role "$1"
  for id in S-1 S-2; do
    [ "$(jq -r --arg id "$id" '.stories[] | select(.id == $id) | .status' .simmer/prd.json)" = passed ] || fail "$id not passed"
  done
  [ "$(cat notes.txt)" = "$(printf 'one\ntwo')" ] || fail "notes.txt: $(cat notes.txt)"
  [ "$(git log --reverse --format=%s | tail -n +2 | tr '\n' '|')" = \
    "S-1: Story S-1 (build)|S-1: Story S-1 (fix 1)|S-1: Story S-1 (record passed)|S-2: Story S-2 (build)|S-2: Story S-2 (record passed)|" ] || \
    fail "commits: $(git log --reverse --format=%s)"
  [ "$(git show HEAD~4:notes.txt)" = won ] || fail "S-1's build commit lacks notes.txt"
  [ "$(git show HEAD~3:notes.txt)" = one ] || fail "S-1's fix commit lacks the fixed notes.txt"
  [ -z "$(git status --porcelain -- . ':(exclude).simmer')" ] || fail "work tree not clean: $(git status --porcelain)"
  [ "$(jq -r 'select(.kind == "handoff_accepted") | "\(.data.storyId)/\(.data.attempt)"' .simmer/events.jsonl | tr '\n' ' ')" = \
    "S-1/0 S-1/1 S-2/0 " ] || fail "builder hand-offs: $(grep handoff_ .simmer/events.jsonl)"
  [ "$(jq -r 'select(.kind == "verdict") | "\(.data.storyId)/\(.data.attempt) \(.data.verdict)"' .simmer/events.jsonl | tr '\n' '|')" = \
    "S-1/0 fail_retry|S-1/1 pass|S-2/0 pass|" ] || fail "verdicts: $(jq -c 'select(.kind == "verdict")' .simmer/events.jsonl)"
  [ "$(jq -r 'select(.kind == "story_passed") | "\(.data.storyId) \(.data.attempts)"' .simmer/events.jsonl | tr '\n' '|')" = \
    "S-1 2|S-2 1|" ] || fail "story_passed events"
}

# check_two_story_sessions <agent> <model> <input $/M> <output $/M> <cache read $/M> <request field> [turns]:
# each of the six session records carries exactly the tokens of the turns it played, as the server reported them
# (these CLIs count cached tokens inside the input; the record splits them out), and the cost the price table
# gives for them; with `turns`, also one turn per model response. The FIX resumed the build's session and its
# request (`.body.<request field>` in the server's log) carried the build's conversation; each story's cost is
# the sum of its sessions'; `replay --check` passes.
check_two_story_sessions() {
  local agent=$1 model=$2 p_in=$3 p_out=$4 p_cache=$5 request_field=$6 check_turns=${7:-}
  local sessions got want i=0 r s a from to
  sessions=$(jq -c 'select(.kind == "session") | .data' .simmer/events.jsonl)
  [ "$(jq -s length <<<"$sessions")" = 6 ] || fail "sessions: $sessions"
  # role story attempt, then the conversation's first and last turn, in the order the loop ran them
  while read -r r s a from to; do
    i=$((i + 1))
    got=$(sed -n "${i}p" <<<"$sessions")
    want=$(jq -cS --arg m "[[scenario:$r-$s]]" --argjson from "$from" --argjson to "$to" '.conversations[] |
      select(.marker == $m) | .turns[$from:$to + 1] | map(.usage) |
      {input: map(.input) | add, output: map(.output) | add, cacheRead: map(.cacheRead) | add, cacheWrite: 0}' "$work/scenario.json")
    [ "$(jq -cS .tokens <<<"$got")" = "$want" ] || fail "$r $s attempt $a: tokens $(jq -c .tokens <<<"$got") != $want"
    if [ -n "$check_turns" ]; then
      [ "$(jq .turns <<<"$got")" = $((to - from + 1)) ] || fail "$r $s attempt $a: turns $(jq .turns <<<"$got")"
    fi
    jq -e --arg r "$r" --arg s "$s" --argjson a "$a" --arg agent "$agent" --arg model "$model" \
          --argjson pin "$p_in" --argjson pout "$p_out" --argjson pcache "$p_cache" \
          '.role == $r and .storyId == $s and .attempt == $a and .agent == $agent and .model == $model and
           .outcome == "success" and .costReported == false and (.sessionId | length > 0) and
           .costUsd == ((.tokens.input * $pin + .tokens.output * $pout + .tokens.cacheRead * $pcache + .tokens.cacheWrite * 0) / 1e6)' \
      <<<"$got" > /dev/null || fail "session $i ($r $s attempt $a): $got"
  done <<'PLAN'
builder S-1 0 0 2
verifier S-1 0 0 2
builder S-1 1 3 5
verifier S-1 1 3 4
builder S-2 0 0 2
verifier S-2 0 0 1
PLAN
  [ "$(jq -r 'select(.role == "builder" and .storyId == "S-1") | .sessionId' <<<"$sessions" | sort -u | wc -l)" = 1 ] || \
    fail "the FIX did not resume the build's session: $sessions"
  [ "$(jq -r '.sessionId' <<<"$sessions" | sort -u | wc -l)" = 5 ] || fail "session ids: $sessions"
  grep -qF 'Creating notes.txt.' <<<"$(jq -c --arg f "$request_field" \
    'select(.conversation == "[[scenario:builder-S-1]]" and .turn == 3) | .body[$f]' "$LOG")" || \
    fail "the FIX request lacks the build's conversation"
  for id in S-1 S-2; do
    jq -se --arg id "$id" '(map(select(.kind == "session" and .data.storyId == $id) | .data.costUsd) | add) as $sum |
      map(select(.kind == "story_passed" and .data.storyId == $id) | .data.costUsd) == [$sum] and $sum > 0' \
      .simmer/events.jsonl > /dev/null || fail "$id story_passed cost is not the sum of its sessions"
  done
  "$SIMMER" replay --check > /dev/null || fail "replay --check: $("$SIMMER" replay --check 2>&1)"
}
