#!/usr/bin/env bash
# Exact crash-resume: a 16-story scenario (one verifier rejection, one gate failure) is cooked once without
# interruption, then again while the harness is killed with SIGKILL 50 times and restarted. The kills are aimed,
# in turn, at an agent session, a commit, a gate and RECORD: each restart waits until the journal's last event
# says the harness is inside the aimed-at phase (phase_started or session_launched of a session, handoff_accepted before a commit,
# phase_started of the gates, a passing verdict before RECORD), then kills after a seeded random delay. Sessions,
# gates and commits are slowed (a sleep in each builder step and in the gate, pre-commit and post-commit hooks
# that sleep), so a kill lands inside them rather than after them, whatever the build's speed; where a kill
# landed is read from the journal's last event after it, and the test fails unless it killed 50 times and at
# least once in each phase. The final prd.json, progress.json (less timestamps and shas), work tree and commit
# subjects must equal the uninterrupted run's; every commit carries its trailers; seq is contiguous; replay
# --check passes; no temp file remains.
. "$(dirname "$0")/lib_cook.sh"
seed=${SIMMER_CRASH_SEED:-20261122}
kills_wanted=${SIMMER_CRASH_KILLS:-50}
stories=()
steps=""
slow='{"sleep":0.4}'
for i in $(seq -w 1 16); do
  deps=""
  [ $((10#$i % 4)) -ne 1 ] && deps="C-$(printf %02d $((10#$i - 1)))"
  stories+=("C-$i:$((10#$i)):$deps")
  [ "$i" = 05 ] || [ "$i" = 09 ] && continue
  steps+="{\"role\":\"builder\",\"story\":\"C-$i\",\"attempt\":0,\"actions\":[$slow,{\"write\":\"src/c$i.txt\",\"content\":\"story $i\\n\"}]},"
done
steps+="{\"role\":\"builder\",\"story\":\"C-05\",\"attempt\":0,\"actions\":[$slow,{\"write\":\"src/c05.txt\",\"content\":\"story 05\\n\"}]},"
steps+='{"role":"verifier","story":"C-05","attempt":0,"handoff":{"verdict":"fail_retry","summary":"needs more"}},'
steps+="{\"role\":\"builder\",\"story\":\"C-05\",\"attempt\":1,\"actions\":[$slow,{\"write\":\"src/c05.txt\",\"content\":\"story 05 fixed\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"C-09\",\"attempt\":0,\"actions\":[$slow,{\"write\":\"src/c09.txt\",\"content\":\"broken\\n\"}]},"
steps+="{\"role\":\"builder\",\"story\":\"C-09\",\"attempt\":1,\"actions\":[$slow,{\"write\":\"src/c09.txt\",\"content\":\"story 09\\n\"}]},"
steps+="{\"role\":\"verifier\",\"actions\":[$slow]}"
setup_in() {
  mkdir -p "$1" && cd "$1" || exit 1
  git init -q . && git config user.name Test && git config user.email test@example.com
  write_prd "${stories[@]}"
  write_config '[{"name":"no-broken","run":"sleep 0.4; ! grep -rq broken src"}]'
  write_scenario "[$steps]"
  printf '#!/bin/sh\nsleep 0.2\n' > .git/hooks/pre-commit
  printf '#!/bin/sh\nsleep 0.2\n' > .git/hooks/post-commit
  chmod +x .git/hooks/pre-commit .git/hooks/post-commit
  commit_setup
}
# What must be equal: prd.json, progress.json without volatile values, the work tree, the commit subjects.
fingerprint() {
  cat .simmer/prd.json
  grep -v -E '"ts": |^ *"[0-9a-f]{40}",?$' .simmer/progress.json
  git ls-tree -r HEAD | grep -v '	.simmer/'
  git status --porcelain -- . ':(exclude).simmer'
  subjects
}
# The phase a run was in when it died, from the journal's last event: session, commit, gate, record or other.
landed_in() {
  local last
  last=$(tail -n 1 .simmer/events.jsonl 2>/dev/null)
  case "$last" in  # canonical JSON: "data" sorts before "kind"
    *'"phase":"gates"'*'"kind":"phase_started"'*) echo gate ;;
    *'"phase":"build"'*'"kind":"phase_started"'* | *'"phase":"fix"'*'"kind":"phase_started"'* | \
      *'"phase":"verify"'*'"kind":"phase_started"'* | *'"kind":"session_launched"'*) echo session ;;
    *'"kind":"handoff_accepted"'*) echo commit ;;
    *'"verdict":"pass"'*'"kind":"verdict"'*) echo record ;;
    *) echo other ;;
  esac
}
last_seq() {
  tail -n 1 .simmer/events.jsonl 2>/dev/null | sed -n 's/.*"seq":\([0-9]*\).*/\1/p'
}

setup_in "$T/straight"
"$SIMMER" cook > "$T/straight.out" 2>&1
expect_eq "$?" "0" "uninterrupted cook ($(cat "$T/straight.out"))"
expected=$(fingerprint)

setup_in "$T/crashed"
RANDOM=$seed
targets=(session commit gate record)
declare -A landed=([session]=0 [commit]=0 [gate]=0 [record]=0 [other]=0)
kills=0
runs=0
while [ $kills -lt "$kills_wanted" ]; do
  runs=$((runs + 1))
  [ $runs -gt 1000 ] && fail "no progress after $runs runs"
  target=${targets[$((kills % 4))]}
  start_seq=$(last_seq)
  "$SIMMER" cook > "$T/run.out" 2>&1 &
  pid=$!
  COOK_PIDS="$pid"
  # Wait for the aimed-at phase (a new event of that kind), or for the run to end.
  while kill -0 "$pid" 2>/dev/null; do
    seq_now=$(last_seq)
    if [ "${seq_now:-0}" -gt "${start_seq:-0}" ] && [ "$(landed_in)" = "$target" ]; then
      break
    fi
    sleep 0.01
  done
  sleep "0.$(printf %03d $((RANDOM % 100)))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    where=$(landed_in)
    landed[$where]=$((${landed[$where]} + 1))
  else
    wait "$pid"
    code=$?
    [ "$code" = 0 ] && break
    fail "a cook between kills exited $code: $(cat "$T/run.out")"
  fi
done
COOK_PIDS=""
[ $kills -ge "$kills_wanted" ] || fail "the run finished after $kills kills; $kills_wanted wanted"
for phase in session commit gate record; do
  [ "${landed[$phase]}" -ge 1 ] || fail "no kill landed in a $phase (session ${landed[session]}, commit ${landed[commit]}, gate ${landed[gate]}, record ${landed[record]}, other ${landed[other]})"
done
"$SIMMER" cook > "$T/final.out" 2>&1
expect_eq "$?" "0" "final cook after $kills kills ($(cat "$T/final.out"))"
actual=$(fingerprint)
expect_eq "$actual" "$expected" "results after $kills SIGKILLs equal the uninterrupted run"
# Every harness commit has its subject and both trailers (a commit made with an empty message would not).
untrailed=$(git log --format='%H %s%n%b%x00' HEAD~"$(subjects | wc -l)"..HEAD | tr '\n' ' ' | tr '\0' '\n' |
  grep -v -E '^ *[0-9a-f]{40} C-[0-9]+: .*Simmer-Run: [^ ]+ +Simmer-Seq: [0-9]+' | grep -v '^ *$')
expect_eq "$untrailed" "" "every commit carries its subject and trailers"
check_journal
leftovers=$(find . -name '*.tmp.*' -not -path './.git/*')
expect_eq "$leftovers" "" "no temp files remain"
echo "crash test: $kills kills over $runs runs, seed $seed; landed in session ${landed[session]}, commit ${landed[commit]}, gate ${landed[gate]}, record ${landed[record]}, other ${landed[other]}"
