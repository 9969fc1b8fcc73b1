#!/usr/bin/env bash
# Parallel lanes (docs/lanes.md): four stories, three independent and one depending on the first, cook with
# --lanes 2. Each story runs in a worktree of its own and is merged back by the queue: every story passes, the
# integration branch holds each story's build and record commits, two lanes were in flight at once, the gates ran
# again on the merged tree, and no worktree or lane branch is left behind.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s,%s,%s]}\n' \
  "$(lane_story S-1 0 s-1.txt)" "$(lane_story S-2 1 s-2.txt)" "$(lane_story S-3 2 s-3.txt)" \
  "$(lane_story S-4 3 s-4.txt '["S-1"]')" > .simmer/prd.json
write_config '[{"name":"check","run":"cat *.txt > /dev/null && echo merged-tree: $(ls *.txt | tr \"\\n\" \" \")"}]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"write":"s-1.txt","content":"one\n"}]},
                 {"role":"builder","story":"S-2","actions":[{"write":"s-2.txt","content":"two\n"}]},
                 {"role":"builder","story":"S-3","actions":[{"write":"s-3.txt","content":"three\n"}]},
                 {"role":"builder","story":"S-4","actions":[{"write":"s-4.txt","content":"four\n"}]}]'
commit_setup
out=$("$SIMMER" cook --lanes 2 2>&1)
code=$?
expect_eq "$code" "0" "cook exit code (output: $out)"
for id in S-1 S-2 S-3 S-4; do expect_eq "$(story_status $id)" "passed" "$id status"; done
expect_eq "$(subjects | sort)" "S-1: Story S-1 (build)
S-1: Story S-1 (record passed)
S-2: Story S-2 (build)
S-2: Story S-2 (record passed)
S-3: Story S-3 (build)
S-3: Story S-3 (record passed)
S-4: Story S-4 (build)
S-4: Story S-4 (record passed)" "commit subjects"
# Each story's build commit comes right before its record commit: the queue merges one lane at a time.
subjects | paste - - | while IFS=$'\t' read -r build record; do
  expect_eq "${record% (record passed)}" "${build% (build)}" "record follows its build"
done || exit 1
for f in s-1 s-2 s-3 s-4; do [ -f "$f.txt" ] || fail "$f.txt is not in the integration tree"; done
expect_eq "$(git log --merges --format=%s | wc -l)" "0" "rebased: no merge commit"
expect_eq "$(git worktree list | wc -l)" "1" "no lane worktree left ($(git worktree list))"
expect_eq "$(git branch --list 'simmer/*')" "" "no lane branch left"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "work tree clean after the run"
# Two lanes were in flight at once: the first two lane_started come before the first lane_finished.
expect_eq "$(event_kinds | grep -E '^lane_(started|finished)$' | head -2 | tr '\n' ' ')" "lane_started lane_started " \
  "two lanes in flight"
expect_eq "$(event_kinds | grep -c '^merged$')" "4" "merged events"
expect_eq "$(event_kinds | grep -c '^merge_gate$')" "4" "gates on the merged tree"
# S-4 starts only once S-1 is recorded.
s1_passed=$(grep -n '"kind":"story_passed"' .simmer/events.jsonl | grep '"storyId":"S-1"' | cut -d: -f1)
s4_started=$(grep -n '"kind":"lane_started"' .simmer/events.jsonl | grep '"storyId":"S-4"' | cut -d: -f1)
[ "$s4_started" -gt "$s1_passed" ] || fail "S-4 started (line $s4_started) before S-1 was recorded (line $s1_passed)"
echo "$out" | grep -q '^  \[S-2\] ' || fail "no line of lane S-2 in: $out"
check_journal
for id in S-1 S-2 S-3 S-4; do
  "$SIMMER" validate ".simmer/lanes/$id/events.jsonl" > /dev/null ||
    fail "lane $id journal invalid: $("$SIMMER" validate ".simmer/lanes/$id/events.jsonl" 2>&1)"
done
"$SIMMER" validate .simmer/events.jsonl .simmer/state.json > /dev/null ||
  fail "journal or state invalid: $("$SIMMER" validate .simmer/events.jsonl .simmer/state.json 2>&1)"
# Cooking again has nothing left to do.
again=$("$SIMMER" cook --lanes 2 2>&1)
expect_eq "$?" "0" "second cook (output: $again)"
# stats counts the sessions the lanes ran (their own journals) with the coordinator's stories, and how busy the
# lanes were: the whole history and the first run alone give the same sessions (the second cook ran none).
stats=$("$SIMMER" stats --json)
expect_eq "$(jq -c '[.stories.passed, .sessions.total, .cost.totalUsd, .iterations, .lanes.lanes]' <<<"$stats")" \
  "[4,8,0.08,4,2]" "stats: passed, sessions, cost, iterations, lanes"
jq -e '.lanes.busyMs > 0 and .lanes.wallMs > 0 and .lanes.efficiency > 0 and .lanes.efficiency <= 1 and
  (.lanes.averageBusy - .lanes.efficiency * 2 | fabs) < 0.001' <<<"$stats" > /dev/null ||
  fail "stats lanes figures: $(jq -c .lanes <<<"$stats")"
first_run=$(grep -m1 '"kind":"run_started"' .simmer/events.jsonl | sed 's/.*"runId":"\([^"]*\)".*/\1/')
expect_eq "$("$SIMMER" stats --json --run "$first_run" | jq -c '[.sessions.total, .cost.totalUsd]')" "[8,0.08]" \
  "stats --run of the first cook"
expect_eq "$("$SIMMER" stats --json --latest | jq -c '[.sessions.total, .lanes.busyMs]')" "[0,0]" \
  "stats --latest: the second cook ran no session"
"$SIMMER" stats | grep -qE '^Lanes +2 lanes, [0-9.]+ busy on average over .*: [0-9.]+% parallel efficiency$' ||
  fail "no lanes line in stats: $("$SIMMER" stats)"
