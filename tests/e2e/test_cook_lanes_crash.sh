#!/usr/bin/env bash
# Exact crash-resume with lanes (issue 12 item 7): sixteen stories in four independent chains, cooked with
# --lanes 3, once without interruption and once while killed with SIGKILL 50 times (seeded delays) and restarted
# (in a second copy of the project if the first run ends before the 50th kill).
# Every other kill takes the lanes' own processes down with SIGKILL at the same instant; the others leave them to
# the kernel's parent-death signal. The PRD holds a verifier rejection (A-03), a gate failure (C-02) and a merge
# conflict that happens in every run: A-01 and B-01 start together from the same tip and both change line 2 of
# shared.txt, and B-01's build waits until A-01 is recorded, so B-01's rebase always conflicts and its FIX
# resolves the markers (tag.sh merges the tags, whatever the order). The final prd.json, integration tree, the
# set of commit subjects and progress.json (less timestamps, shas and costs) must equal the uninterrupted run's; no lane
# worktree or branch is left; seq is contiguous and replay --check passes, in the coordinator's journal and in
# each lane's.
. "$(dirname "$0")/lib_cook.sh"
seed=${SIMMER_CRASH_SEED:-20261202}
kills_wanted=${SIMMER_CRASH_KILLS:-50}
slow='{"sleep":1.0}'  # agent steps long enough that 50 kills 0.2-1.2 s apart land before the end
stories=()
steps=""
for chain in A B C D; do
  for i in 01 02 03 04; do
    deps=""
    [ "$i" != 01 ] && deps="$chain-0$((10#$i - 1))"
    stories+=("$chain-$i:$((10#$i)):$deps")
  done
done
file() { echo "src/$(echo "$1" | tr 'A-Z' 'a-z').txt"; }
for id in A-02 A-03 A-04 B-02 B-03 B-04 C-01 C-03 C-04 D-01 D-02 D-03 D-04; do
  steps+="{\"role\":\"builder\",\"story\":\"$id\",\"attempt\":0,\"actions\":[$slow,{\"write\":\"$(file $id)\",\"content\":\"$id\\n\"}]},"
done
steps+="{\"role\":\"builder\",\"story\":\"A-01\",\"attempt\":0,\"actions\":[$slow,{\"run\":\"sh tag.sh A\"},{\"write\":\"$(file A-01)\",\"content\":\"A-01\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"B-01\",\"attempt\":0,\"actions\":[{\"run\":\"sh wait-recorded.sh A-01\"},{\"run\":\"sh tag.sh B\"},{\"write\":\"$(file B-01)\",\"content\":\"B-01\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"B-01\",\"attempt\":1,\"actions\":[$slow,{\"run\":\"sh tag.sh B\"}]},"
steps+='{"role":"verifier","story":"A-03","attempt":0,"handoff":{"verdict":"fail_retry","summary":"needs more"}},'
steps+="{\"role\":\"builder\",\"story\":\"A-03\",\"attempt\":1,\"actions\":[$slow,{\"write\":\"$(file A-03)\",\"content\":\"A-03 fixed\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"C-02\",\"attempt\":0,\"actions\":[$slow,{\"write\":\"$(file C-02)\",\"content\":\"broken\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"C-02\",\"attempt\":1,\"actions\":[$slow,{\"write\":\"$(file C-02)\",\"content\":\"C-02\\n\"}]},"
steps+="{\"role\":\"verifier\",\"actions\":[$slow]}"
setup_in() {
  mkdir -p "$1" && cd "$1" || exit 1
  git init -q . && git config user.name Test && git config user.email test@example.com
  write_prd "${stories[@]}"
  # Each story declares its own file only: A-01 and B-01 both write shared.txt without saying so.
  sed -i 's/"status":"pending"}/"status":"pending","touches":["src\/__ID__.txt"]}/g' .simmer/prd.json
  for s in "${stories[@]}"; do
    id=${s%%:*}
    lower=$(echo "$id" | tr 'A-Z' 'a-z')
    sed -i "0,/__ID__/s//$lower/" .simmer/prd.json
  done
  write_config '[{"name":"clean","run":"sleep 0.3; ! grep -rq broken src && ! grep -q \"<<<<<<<\" shared.txt"}]'
  write_scenario "[$steps]"
  mkdir -p src
  printf 'one\ntwo\nthree\n' > shared.txt
  # tag.sh TAG: TAG joins the tags on line 2 of shared.txt, sorted, conflict markers dropped.
  cat > tag.sh <<'SH'
tags=$( { grep '^two' shared.txt | tr ' ' '\n' | grep -v '^two$'; echo "$1"; } | grep -v '^$' | sort -u | tr '\n' ' ')
printf 'one\ntwo %s\nthree\n' "$tags" > shared.txt
SH
  # wait-recorded.sh ID: waits until story ID is recorded on the integration branch (the lane is under .git/).
  cat > wait-recorded.sh <<'SH'
root=$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")
for i in $(seq 1 1200); do
  git -C "$root" log --format=%s | grep -q "^$1: .*(record passed)" && exit 0
  sleep 0.1
done
exit 1
SH
  commit_setup
}
fingerprint() {
  cat .simmer/prd.json
  # Costs may differ: a session stopped by its lane's SIGTERM after the agent reported its cost is charged, and
  # its redo costs again (what the issue asks to be equal is prd.json, the tree and the commit subjects).
  grep -v -E '"(ts|at|startedAt|finishedAt|costUsd)": |^ *"[0-9a-f]{40}",?$' .simmer/progress.json | sort
  git ls-tree -r HEAD | grep -v '	.simmer/'
  git status --porcelain -- . ':(exclude).simmer'
  subjects | sort
  git worktree list | wc -l
  git branch --list 'simmer/*'
}
# Where the coordinator was when it died, from its journal's last event.
landed_in() {
  case "$(tail -n 1 .simmer/events.jsonl 2>/dev/null)" in
    *'"kind":"merge_rebased"'* | *'"kind":"merge_gate"'* | *'"kind":"merge_conflicted"'*) echo queue ;;
    *'"kind":"merged"'* | *'"kind":"commit"'*) echo record ;;
    *) echo lanes ;;
  esac
}
check_lane_journals() {
  local j
  for j in .simmer/lanes/*/events.jsonl; do
    n=$(wc -l < "$j")
    expect_eq "$(sed 's/.*"seq":\([0-9]*\).*/\1/' "$j" | tr '\n' ' ')" "$(seq 1 "$n" | tr '\n' ' ')" "$j seqs contiguous"
    "$SIMMER" validate "$j" > /dev/null || fail "$j invalid: $("$SIMMER" validate "$j" 2>&1 | head -5)"
  done
}

setup_in "$T/straight"
"$SIMMER" cook --lanes 3 > "$T/straight.out" 2>&1
expect_eq "$?" "0" "uninterrupted cook ($(tail -30 "$T/straight.out"))"
expect_eq "$(grep -c '"kind":"merge_conflicted"' .simmer/events.jsonl)" "1" "the uninterrupted run has its conflict"
expected=$(fingerprint)

RANDOM=$seed
declare -A landed=([lanes]=0 [queue]=0 [record]=0)
kills=0
runs=0
round=0
# How far a restart gets before its kill depends on the machine's speed: when a run ends before the 50th kill,
# it is checked like any other and the kills go on in a fresh copy of the project (a round), so the count of
# kills never depends on speed and every round's result is compared with the uninterrupted run's.
while [ $kills -lt "$kills_wanted" ]; do
  round=$((round + 1))
  setup_in "$T/crashed/r$round"
  while [ $kills -lt "$kills_wanted" ]; do
    runs=$((runs + 1))
    [ $runs -gt 400 ] && fail "no progress after $runs runs"
    "$SIMMER" cook --lanes 3 > "$T/run.out" 2>&1 &
    pid=$!
    COOK_PIDS="$pid"
    if [ $((kills % 5)) = 4 ]; then
      # Aimed at the merge queue: once the coordinator journals a lane's end or a rebase (its next steps are the
      # queue's: rebase, the gate on the merged tree, the fast-forward, the record), within its 0.3 s gate.
      start_seq=$(tail -n 1 .simmer/events.jsonl 2>/dev/null | sed -n 's/.*"seq":\([0-9]*\).*/\1/p')
      for i in $(seq 1 3000); do
        kill -0 "$pid" 2>/dev/null || break
        last=$(tail -n 1 .simmer/events.jsonl 2>/dev/null)
        seq_now=$(echo "$last" | sed -n 's/.*"seq":\([0-9]*\).*/\1/p')
        if [ "${seq_now:-0}" -gt "${start_seq:-0}" ] && [[ $last =~ \"kind\":\"(lane_finished|merge_rebased)\" ]]; then
          break
        fi
        sleep 0.01
      done
      delay_ms=$((RANDOM % 300))
    else
      delay_ms=$((200 + RANDOM % 1000))  # 0.2 s to 1.2 s: enough for a restart to make progress
    fi
    sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then
      [ $((kills % 2)) = 1 ] && pkill -9 -f -- "--worktree $T/crashed/" 2>/dev/null
      wait "$pid" 2>/dev/null
      kills=$((kills + 1))
      where=$(landed_in)
      landed[$where]=$((${landed[$where]} + 1))
      # The lanes end with their coordinator (parent-death signal or SIGKILL): none may outlive it for long.
      for i in $(seq 1 300); do pgrep -f -- "--worktree $T/crashed/" > /dev/null || break; sleep 0.1; done
      pgrep -f -- "--worktree $T/crashed/" > /dev/null && fail "a lane outlived its killed coordinator by 30 s"
    else
      wait "$pid"
      code=$?
      [ "$code" = 0 ] && break
      fail "a cook between kills exited $code: $(tail -30 "$T/run.out")"
    fi
  done
  COOK_PIDS=""
  "$SIMMER" cook --lanes 3 > "$T/final.out" 2>&1
  expect_eq "$?" "0" "final cook of round $round after $kills kills ($(tail -30 "$T/final.out"))"
  actual=$(fingerprint)
  expect_eq "$actual" "$expected" "round $round: results after $kills SIGKILLs equal the uninterrupted run"
  check_journal
  check_lane_journals
done
for where in lanes queue; do
  [ "${landed[$where]}" -ge 1 ] || fail "no kill landed with the coordinator in $where (lanes ${landed[lanes]}, queue ${landed[queue]}, record ${landed[record]})"
done
echo "lanes crash test: $kills kills over $runs runs in $round round(s), seed $seed; coordinator in lanes ${landed[lanes]}, queue ${landed[queue]}, record ${landed[record]}"
