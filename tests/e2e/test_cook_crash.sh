#!/usr/bin/env bash
# Exact crash-resume: a 16-story scenario (one verifier rejection, one gate failure) is cooked once without
# interruption, then again while the harness is killed with SIGKILL at 50+ seeded random moments and restarted.
# The final prd.json, progress.json (less timestamps and shas), work tree and commit subjects must equal the
# uninterrupted run's; seq is contiguous; replay --check passes; no temp file remains.
. "$(dirname "$0")/lib_cook.sh"
seed=${SIMMER_CRASH_SEED:-20261122}
kills_wanted=${SIMMER_CRASH_KILLS:-50}
stories=()
steps=""
for i in $(seq -w 1 16); do
  deps=""
  [ $((10#$i % 4)) -ne 1 ] && deps="C-$(printf %02d $((10#$i - 1)))"
  stories+=("C-$i:$((10#$i)):$deps")
  steps+="{\"role\":\"builder\",\"story\":\"C-$i\",\"attempt\":0,\"actions\":[{\"write\":\"src/c$i.txt\",\"content\":\"story $i\\n\"}]},"
done
steps+='{"role":"verifier","story":"C-05","attempt":0,"handoff":{"verdict":"fail_retry","summary":"needs more"}},'
steps+='{"role":"builder","story":"C-05","attempt":1,"actions":[{"write":"src/c05.txt","content":"story 05 fixed\n"}]},'
steps+='{"role":"builder","story":"C-09","attempt":0,"actions":[{"write":"src/c09.txt","content":"broken\n"}]},'
steps+='{"role":"builder","story":"C-09","attempt":1,"actions":[{"write":"src/c09.txt","content":"story 09\n"}]}'
setup_in() {
  mkdir -p "$1" && cd "$1" || exit 1
  git init -q . && git config user.name Test && git config user.email test@example.com
  write_prd "${stories[@]}"
  write_config '[{"name":"no-broken","run":"! grep -rq broken src"}]'
  write_scenario "[$steps]"
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

setup_in "$T/straight"
"$SIMMER" cook > "$T/straight.out" 2>&1
expect_eq "$?" "0" "uninterrupted cook ($(cat "$T/straight.out"))"
expected=$(fingerprint)

setup_in "$T/crashed"
RANDOM=$seed
kills=0
runs=0
while [ $kills -lt "$kills_wanted" ]; do
  runs=$((runs + 1))
  [ $runs -gt 1000 ] && fail "no progress after $runs runs"
  "$SIMMER" cook > /dev/null 2>&1 &
  pid=$!
  sleep "0.$(printf %03d $((RANDOM % 250)))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
  else
    wait "$pid"
    code=$?
    [ "$code" = 0 ] && break
    fail "a cook between kills exited $code"
  fi
done
"$SIMMER" cook > "$T/final.out" 2>&1
expect_eq "$?" "0" "final cook after $kills kills ($(cat "$T/final.out"))"
[ $kills -ge "$kills_wanted" ] || echo "note: the run finished after $kills kills (wanted $kills_wanted)" >&2
actual=$(fingerprint)
expect_eq "$actual" "$expected" "results after $kills SIGKILLs equal the uninterrupted run"
check_journal
leftovers=$(find . -name '*.tmp.*' -not -path './.git/*')
expect_eq "$leftovers" "" "no temp files remain"
echo "crash test: $kills kills over $runs runs, seed $seed"
