#!/usr/bin/env bash
# An isolated run (docs/lanes.md, "An isolated run"): `simmer cook --branch feat` works on branch feat in a worktree
# of its own and leaves the user's branch, work tree and PRD as they were (an untracked file and an edited tracked
# file included); status in the user's checkout sees the run; killed mid-story, a plain cook refuses to resume it
# elsewhere and `cook --branch feat` resumes it; a worktree folder deleted by hand is added again with the branch's
# commits; `simmer land` fast-forwards the user's branch and tidies up; lanes work inside an isolated run.
. "$(dirname "$0")/lib_cook.sh"
write_prd S-1:1 S-2:2 S-3:3
write_config '[{"name":"check","run":"cat s-*.txt > /dev/null"}]'
write_scenario '[{"role":"builder","story":"S-1","actions":[{"write":"s-1.txt","content":"one\n"}]},
  {"role":"builder","story":"S-2","actions":[{"run":"test -f '"$T"'/.git/slept || { touch '"$T"'/.git/slept; sleep 60; }"},
                                              {"write":"s-2.txt","content":"two\n"}]},
  {"role":"builder","story":"S-3","actions":[{"write":"s-3.txt","content":"three\n"}]}]'
echo "readme" > README.md
commit_setup
git branch -M main
main_before=$(git rev-parse main)
prd_before=$(cat .simmer/prd.json)
echo "mine" > notes.txt           # the user's untracked file
echo "local edit" >> README.md     # and an edit to a tracked one

# Refusals first: each changes nothing (no branch, no worktree, no journal line).
expect_refused() {
  local out code
  out=$("$SIMMER" cook "$@" 2>&1)
  code=$?
  expect_eq "$code" "2" "cook $* exit code (output: $out)"
  echo "$out" | grep -qF -- "$REFUSAL" || fail "cook $*: no \"$REFUSAL\" in: $out"
}
REFUSAL="is the branch checked out here" expect_refused --branch main
REFUSAL="is not a branch name git accepts" expect_refused --branch 'bad..name'
REFUSAL="names under simmer/ are the lanes' branches" expect_refused --branch simmer/x
git branch other "$main_before" && git worktree add -q "$T/other-wt" other && (cd "$T/other-wt" &&
  echo x > x.txt && git add x.txt && git commit -qm "someone else's work") && git worktree remove "$T/other-wt"
REFUSAL="a branch other exists already" expect_refused --branch other
cp .simmer/prd.json "$T/.git/prd.keep" && sed -i 's/"Story S-3"/"Story S-3 edited"/' .simmer/prd.json
REFUSAL=".simmer/prd.json has changes that are not committed" expect_refused --branch feat
cp "$T/.git/prd.keep" .simmer/prd.json
expect_eq "$(git branch --list feat)" "" "no branch feat made by a refusal"
expect_eq "$(git worktree list | wc -l)" "1" "no worktree made by a refusal"
[ ! -f .simmer/events.jsonl ] || fail "a refusal wrote the journal"

# The run, killed in the middle of S-2's build.
"$SIMMER" cook --branch feat > out.txt 2>&1 &
cook=$!
COOK_PIDS="$cook"
wait_for_event session_launched '"storyId":"S-2"'
for i in $(seq 1 100); do [ -f "$T/.git/slept" ] && break; sleep 0.1; done
kill -9 "$cook"
wait "$cook" 2>/dev/null
out=$("$SIMMER" cook 2>&1)
expect_eq "$?" "2" "a plain cook while the isolated run is mid-story (output: $out)"
echo "$out" | grep -qF 'the isolated run on feat stopped in the middle of story S-2: resume it first with `simmer cook --branch feat`' ||
  fail "no resume hint in: $out"
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "1" "land while the run is mid-story (output: $out)"
echo "$out" | grep -qF 'stopped in the middle of story S-2' || fail "land refusal: $out"

# A worktree folder deleted by hand: the next cook adds it again, on feat with its commits.
wt=$(git rev-parse --path-format=absolute --git-common-dir)/simmer/runs/feat
[ -d "$wt" ] || fail "no worktree at $wt"
rm -rf "$wt"
out=$("$SIMMER" cook --branch feat 2>&1)
expect_eq "$?" "0" "cook --branch feat resumed (output: $out)"
for id in S-1 S-2 S-3; do
  expect_eq "$(git show feat:.simmer/prd.json | tr -d '\n ' | sed "s/.*\"id\":\"$id\"//" |
    sed 's/^[^}]*"status":"\([a-z]*\)".*/\1/')" "passed" "$id passed on feat"
done
expect_eq "$(git log --reverse --format=%s main..feat)" "S-1: Story S-1 (build)
S-1: Story S-1 (record passed)
S-2: Story S-2 (build)
S-2: Story S-2 (record passed)
S-3: Story S-3 (build)
S-3: Story S-3 (record passed)" "the run's commits on feat"

# The user's side is as it was.
expect_eq "$(git rev-parse main)" "$main_before" "main did not move"
expect_eq "$(git symbolic-ref HEAD)" "refs/heads/main" "still on main"
expect_eq "$(cat notes.txt)" "mine" "untracked file kept"
expect_eq "$(tail -1 README.md)" "local edit" "tracked edit kept"
expect_eq "$(cat .simmer/prd.json)" "$prd_before" "the user's prd.json untouched"
for f in s-1.txt s-2.txt s-3.txt; do [ ! -e "$f" ] || fail "$f appeared in the user's work tree"; done
# The journal and state are the project's: status here sees the run.
expect_eq "$("$SIMMER" status --json | jq -r '[.stories[].status] | join(" ")')" "passed passed passed" "status"
grep '"kind":"run_started"' .simmer/events.jsonl | tail -1 | jq -e --arg sha "$main_before" \
  '.data.head.branch == "refs/heads/feat" and .data.startedFrom == {"branch":"refs/heads/main","sha":$sha}' \
  > /dev/null || fail "run_started: $(grep '"kind":"run_started"' .simmer/events.jsonl | tail -1)"
"$SIMMER" status | grep -qxF 'isolated run on feat (not landed): main is untouched; `simmer land` brings the run onto it' ||
  fail "status does not name the isolated run: $("$SIMMER" status)"
expect_eq "$("$SIMMER" status --json | jq -c .isolated)" \
  "{\"branch\":\"refs/heads/feat\",\"startedFrom\":{\"branch\":\"refs/heads/main\",\"sha\":\"$main_before\"}}" \
  "status --json isolated"
check_journal

# Land: main fast-forwards to feat; the user's local changes stay; the run's worktree and branch go.
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "0" "land (output: $out)"
echo "$out" | grep -qF "landed feat on main (fast-forward)" || fail "land output: $out"
feat_tip=$(grep '"kind":"landed"' .simmer/events.jsonl | jq -r .data.head)
expect_eq "$(git rev-parse main)" "$feat_tip" "main is at the run's tip"
expect_eq "$(grep '"kind":"landed"' .simmer/events.jsonl | jq -c '.data | [.mode, .before, .branchKept]')" \
  "[\"ff\",\"$main_before\",false]" "landed event"
for f in s-1.txt s-2.txt s-3.txt; do [ -f "$f" ] || fail "$f not in the work tree after land"; done
expect_eq "$(cat notes.txt)" "mine" "untracked file kept by land"
expect_eq "$(tail -1 README.md)" "local edit" "tracked edit kept by land"
expect_eq "$(story_status S-3)" "passed" "the user's prd.json after land"
expect_eq "$(git branch --list feat)" "" "feat deleted after land"
expect_eq "$(git worktree list | wc -l)" "1" "the run's worktree removed ($(git worktree list))"
expect_eq "$("$SIMMER" status --json | jq -c .isolated)" "null" "status after land"
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "2" "land again (output: $out)"
echo "$out" | grep -qF "no isolated run to land" || fail "second land: $out"
check_journal

# Lanes inside an isolated run: two independent stories, merged into feat-l by the queue; main stays.
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s]}\n' \
  "$(lane_story L-1 1 l-1.txt)" "$(lane_story L-2 2 l-2.txt)" > .simmer/prd.json
write_scenario '[{"role":"builder","story":"L-1","actions":[{"write":"l-1.txt","content":"one\n"}]},
  {"role":"builder","story":"L-2","actions":[{"write":"l-2.txt","content":"two\n"}]}]'
write_config '[{"name":"check","run":"cat l-*.txt > /dev/null"}]'
git add -A . ':!notes.txt' ':!README.md' && git commit -qm "lanes stories"
main_before=$(git rev-parse main)
out=$("$SIMMER" cook --branch feat-l --lanes 2 2>&1)
expect_eq "$?" "0" "cook --branch feat-l --lanes 2 (output: $out)"
expect_eq "$(git rev-parse main)" "$main_before" "main did not move during the lanes run"
expect_eq "$(git log --format=%s main..feat-l | grep -c 'record passed')" "2" "both stories recorded on feat-l"
expect_eq "$(git branch --list 'simmer/*')" "" "no lane branch left"
expect_eq "$(git worktree list | wc -l)" "2" "only the run's worktree left ($(git worktree list))"
[ ! -e .simmer/lanes/L-1/events.jsonl ] && fail "the lanes' journals are not in the project's .simmer/"
out=$("$SIMMER" land 2>&1)
expect_eq "$?" "0" "land the lanes run (output: $out)"
[ -f l-1.txt ] && [ -f l-2.txt ] || fail "the lanes' work is not on main after land"
check_journal
