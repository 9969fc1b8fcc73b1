#!/usr/bin/env bash
# `simmer land` (docs/lanes.md, "An isolated run"): a partial run landed after main moved (fast-forward refused with
# nothing changed, then --merge), a squash refused on a conflict (nothing changed) then made, a squash whose journal
# line was lost found by its trailer and not made twice, a branch landed while another is checked out (the ref is
# compare-and-swapped), a cook holding the lock, and the refusals' messages and exit codes.
. "$(dirname "$0")/lib_cook.sh"
write_prd S-1:1 S-2:2 S-3:3
write_config '[]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"write":"a.txt","content":"a\n"}]},
  {"role":"builder","story":"S-2","actions":[{"write":"b.txt","content":"b\n"},{"write":"conflict.txt","content":"run\n"}]},
  {"role":"builder","story":"S-3","actions":[{"write":"c.txt","content":"c\n"}]},
  {"role":"builder","story":"S-4","actions":[{"write":"d.txt","content":"d\n"}]},
  {"role":"builder","story":"S-5","actions":[{"sleep":60}]}]'
commit_setup
git branch -M main
landed() { grep '"kind":"landed"' .simmer/events.jsonl | tail -1 | jq -c ".data | $1"; }

# 1. A partial run (one story), then main moves: a fast-forward is refused and nothing changes; --merge lands it.
out=$("$SIMMER" cook --branch r1 --max-iterations 1 2>&1)
expect_eq "$?" "10" "cook --branch r1 --max-iterations 1 (output: $out)"
echo "$out" | grep -qF 'the run'"'"'s commits are on r1' || fail "no hint to land in: $out"
echo other > other.txt && git add other.txt && git commit -qm "the user's own commit"
main_before=$(git rev-parse main)
r1_tip=$(git rev-parse r1)
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "1" "land --ff after main moved (output: $out)"
echo "$out" | grep -qF "main moved since the run started: it has 1 commit the run's branch r1 does not" ||
  fail "ff refusal: $out"
echo "$out" | grep -qF "the user's own commit" || fail "ff refusal does not name the commit: $out"
expect_eq "$(git rev-parse main)" "$main_before" "main unchanged by the refusal"
expect_eq "$(git rev-parse r1)" "$r1_tip" "r1 unchanged by the refusal"
expect_eq "$(grep -c '"kind":"landed"' .simmer/events.jsonl)" "0" "nothing journaled by the refusal"
out=$("$SIMMER" land --merge --json 2>&1)
expect_eq "$?" "0" "land --merge (output: $out)"
expect_eq "$(jq -c '[.mode, .before, .head, .branchKept]' <<<"$out")" "[\"merge\",\"$main_before\",\"$r1_tip\",false]" \
  "land --merge --json"
expect_eq "$(git log -1 --format=%P main)" "$main_before $r1_tip" "a merge commit of main and r1"
git log -1 --format=%B main | grep -qx "Simmer-Land: r1@$r1_tip" || fail "no trailer: $(git log -1 --format=%B main)"
[ -f a.txt ] && [ -f other.txt ] || fail "the merged tree lacks a.txt or other.txt"
expect_eq "$(git branch --list r1)" "" "r1 deleted (merged)"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "work tree clean after land"

# 2. The rest on r2; main gets a conflicting commit: the squash is refused, nothing changes; then it is made.
out=$("$SIMMER" cook --branch r2 2>&1)
expect_eq "$?" "0" "cook --branch r2 (output: $out)"
echo user > conflict.txt && git add conflict.txt && git commit -qm "the user's conflict.txt"
main_before=$(git rev-parse main)
out=$("$SIMMER" land --squash 2>&1)
expect_eq "$?" "1" "land --squash on a conflict (output: $out)"
echo "$out" | grep -qF "main and the run's branch r2 conflict in conflict.txt: nothing was changed" ||
  fail "conflict refusal: $out"
expect_eq "$(git rev-parse main)" "$main_before" "main unchanged by the conflict"
expect_eq "$(git status --porcelain -- . ':(exclude).simmer')" "" "work tree untouched by the conflict"
git reset -q --hard HEAD~1
main_before=$(git rev-parse main)
r2_tip=$(git rev-parse r2)
out=$("$SIMMER" land --squash 2>&1)
expect_eq "$?" "0" "land --squash (output: $out)"
echo "$out" | grep -qF "the branch r2 is kept with the run's commits" || fail "no note on the kept branch: $out"
expect_eq "$(git log -1 --format=%P main)" "$main_before" "the squash has one parent, main's old tip"
expect_eq "$(git rev-list --count "$main_before..main")" "1" "one squash commit"
expect_eq "$(git diff --stat "$r2_tip" main -- . ':(exclude).simmer' | wc -l)" "0" "the squash holds r2's tree"
expect_eq "$(git rev-parse r2)" "$r2_tip" "r2 kept"
expect_eq "$(landed '[.mode, .branchKept]')" '["squash",true]' "landed: squash, branch kept"
# Killed before its journal line: the next land finds the squash by its trailer and makes no second one.
sed -i '$d' .simmer/events.jsonl
out=$("$SIMMER" land --branch r2 --squash 2>&1)
expect_eq "$?" "0" "land --squash again (output: $out)"
echo "$out" | grep -qF "nothing to land" || fail "a second squash was attempted: $out"
expect_eq "$(git rev-list --count "$main_before..main")" "1" "still one squash commit"
check_journal

# 3. Landed while the user is on another branch: main's ref moves by compare-and-swap, HEAD stays.
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s]}\n' "$(lane_story S-4 1 d.txt)" \
  > .simmer/prd.json
git add .simmer/prd.json && git commit -qm "S-4"
out=$("$SIMMER" cook --branch r3 2>&1)
expect_eq "$?" "0" "cook --branch r3 (output: $out)"
git switch -q -c elsewhere
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "0" "land onto main while on elsewhere (output: $out)"
expect_eq "$(git rev-parse main)" "$(git rev-parse r3)" "main fast-forwarded to r3"
expect_eq "$(git symbolic-ref HEAD)" "refs/heads/elsewhere" "HEAD stays on elsewhere"
echo "$out" | grep -qF "the branch r3 is kept: git did not see it merged" || fail "no note on r3: $out"
git switch -q main

# 4. A cook holds the lock: land waits for nothing and says so.
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s]}\n' "$(lane_story S-5 1 e.txt)" \
  > .simmer/prd.json
git add .simmer/prd.json && git commit -qm "S-5"
"$SIMMER" cook --branch r4 > out.txt 2>&1 &
cook=$!
COOK_PIDS="$cook"
wait_for_event session_launched '"storyId":"S-5"'
out=$("$SIMMER" land --branch r4 2>&1)
expect_eq "$?" "5" "land while a cook runs (output: $out)"
kill -TERM "$cook"
wait "$cook"

# 5. Refusals.
out=$("$SIMMER" land --branch nope 2>&1)
expect_eq "$?" "2" "land --branch nope (output: $out)"
echo "$out" | grep -qF "no isolated run on nope to land (the runs to land are on r4)" || fail "nope: $out"
out=$("$SIMMER" land --ff --squash 2>&1)
expect_eq "$?" "64" "land --ff --squash (output: $out)"
check_journal
