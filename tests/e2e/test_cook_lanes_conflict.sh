#!/usr/bin/env bash
# Parallel lanes, the hostile merge: two stories declare disjoint touches but both change the same line of
# shared.txt. The first merged wins; the second's rebase conflicts, is aborted (the integration branch never sees
# a conflict), and the story goes back to FIX in its own lane, moved onto the integration tip with its change on top
# and git's markers. Its FIX resolves them; the queue merges it and re-runs the gate on the merged tree, which
# must see both changes. A gate that fails only on the merged tree sends a story back the same way.
# Which lane finishes first depends on the machine, so either story may be the one that conflicts: each story's
# FIX resolves the same way and the checks follow the story the journal names.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf 'one\ntwo\nthree\n' > shared.txt
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s]}\n' \
  "$(lane_story S-1 0 a.txt)" "$(lane_story S-2 1 b.txt)" > .simmer/prd.json
# The gate passes in a lane holding either change alone, and on the merged tree only when both hold.
write_config '[{"name":"check","run":"! grep -q \"<<<<<<<\" shared.txt && { ! grep -q S1 shared.txt || ! grep -q S2 shared.txt || grep -q \"S1 and S2\" shared.txt; }"}]'
resolve() { # ID: the FIX after a conflict keeps what it was given and writes both changes
  printf '{"role":"builder","story":"%s","attempt":1,"actions":[{"run":"cp shared.txt %s/conflicted-%s.txt"},' "$1" "$T" "$1"
  printf '{"write":"shared.txt","content":"one\\nS1 and S2\\nthree\\n"}]}'
}
write_scenario '[{"role":"builder","story":"S-1","attempt":0,"actions":[{"write":"shared.txt","content":"one\nS1\nthree\n"},{"write":"a.txt","content":"a\n"}]},
                 {"role":"builder","story":"S-2","attempt":0,"actions":[{"write":"shared.txt","content":"one\nS2\nthree\n"},{"write":"b.txt","content":"b\n"}]},
                 '"$(resolve S-1),$(resolve S-2)"']'
commit_setup
# Both lanes start together from the same tip; the queue takes lanes as they finish.
out=$("$SIMMER" cook --lanes 2 2>&1)
code=$?
expect_eq "$code" "0" "cook exit code (output: $out)"
for id in S-1 S-2; do expect_eq "$(story_status $id)" "passed" "$id status"; done
expect_eq "$(event_kinds | grep -c '^merge_conflicted$')" "1" "one conflict"
grep '"kind":"merge_conflicted"' .simmer/events.jsonl | grep -q '"files":\["shared.txt"\]' ||
  fail "the conflict does not name shared.txt: $(grep merge_conflicted .simmer/events.jsonl)"
grep '"kind":"merge_conflicted"' .simmer/events.jsonl | grep -q '<<<<<<<' || fail "the conflict has no hunks"
loser=$(grep '"kind":"merge_conflicted"' .simmer/events.jsonl | sed -n 's/.*"storyId":"\([^"]*\)".*/\1/p')
winner=S-1; [ "$loser" = S-1 ] && winner=S-2
[ "$loser" = S-1 ] || [ "$loser" = S-2 ] || fail "the conflict names no story of the PRD: $loser"
expect_eq "$(cat shared.txt)" "one
S1 and S2
three" "the merged tree holds both changes"
for f in a.txt b.txt; do [ -f "$f" ] || fail "$f is not in the integration tree"; done
# The FIX session got the hunks and worked on the tip with the markers in the file.
lane_tree=$(git -C . rev-parse --path-format=absolute --git-common-dir)/simmer/lanes/$loser
[ ! -e "$T/conflicted-$winner.txt" ] || fail "$winner, merged first, had a FIX session"
given=$(cat "$T/conflicted-$loser.txt") || fail "$loser had no FIX session"
grep -q '^<<<<<<<' <<<"$given" || fail "FIX did not start from the tip with markers: $given"
grep -q "${winner/-/}" <<<"$given" || fail "FIX's tree does not hold the merged $winner: $given"
grep -q 'could not rebase' .simmer/lanes/"$loser"/sessions/*/*builder-1.prompt.md || fail "FIX prompt has no conflict text"
# No conflict ever reached the integration branch, and no commit on it holds a marker.
for c in $(git rev-list HEAD); do
  git show "$c:shared.txt" 2>/dev/null | grep -q '<<<<<<<' && fail "commit $c holds conflict markers"
done
expect_eq "$(subjects | grep -c '(record passed)')" "2" "two record commits"
# The lane's old tip is kept under refs/simmer/.
[ -n "$(git for-each-ref "refs/simmer/lanes/$loser/")" ] || fail "the conflicted lane's old tip is not kept"
expect_eq "$(git worktree list | wc -l)" "1" "no lane worktree left ($(git worktree list))"
[ ! -d "$lane_tree" ] || fail "$loser's worktree is left"
check_journal
