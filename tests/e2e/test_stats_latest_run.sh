#!/usr/bin/env bash
# `simmer stats --latest` reports on the latest run, counts a torn last line instead of dying, --run picks one run,
# and the default (like --all) is the journal's whole history.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q . && mkdir .simmer
cp "$SIMMER_SOURCE_DIR/tests/e2e/fixtures/stats_two_runs.jsonl" .simmer/events.jsonl
printf '{"seq":20,"ts":"2026-11-22T11:00:16.000Z","runId":"r2","kind":"warn' >> .simmer/events.jsonl

"$SIMMER" stats --json --latest > out.json 2> err.txt || fail "stats exited $?"
[ "$(cat err.txt)" = "simmer: warning: .simmer/events.jsonl: 1 malformed line(s) skipped" ] || fail "stderr: $(cat err.txt)"
check() {  # check <jq filter> <expected>
  got=$(jq -c "$1" out.json)
  [ "$got" = "$2" ] || fail "$1: expected $2, got $got"
}
check '.runId' '"r2"'
check '.lines' '{"malformed":1,"read":20}'
check '.events.count' '15'
check '.stories' '{"blocked":1,"passed":1}'
check '.iterations' '1'
check '.fixes' '1'
check '.sessions.byRole' '{"builder":2,"verifier":1}'
check '.cost.totalUsd' '0.85'
check '.cost.byModel' '{"haiku":0.1,"sonnet":0.75}'
check '.cost.perPassedStoryUsd' '0.85'
check '.tokens' '{"cacheHitRatio":0.5769,"cacheRead":750,"cacheWrite":200,"input":350,"output":60}'
check '.phaseDurations.build.p50Ms' '4100'
check '.gates.passRate' '0.5'
check '.verdicts.rejectionRate' '0'

"$SIMMER" stats --json --run r1 2>/dev/null > r1.json
[ "$(jq -c '[.runId, .events.count, .cost.totalUsd]' r1.json)" = '["r1",4,0.4]' ] || fail "--run r1: $(cat r1.json)"
"$SIMMER" stats --json --all 2>/dev/null > all.json
[ "$(jq -c '[.scope, .runIds, .events.count, .cost.totalUsd]' all.json)" = '["all",["r1","r2"],19,1.25]' ] ||
  fail "--all: $(jq -c '[.scope, .runIds, .events.count, .cost.totalUsd]' all.json)"
"$SIMMER" stats --json 2>/dev/null > default.json
cmp -s default.json all.json || fail "the default scope is not the whole history: $(jq -c '[.scope, .runIds]' default.json)"
set +e
"$SIMMER" stats --latest --run r1 > /dev/null 2> err.txt; code=$?
set -e
[ "$code" = 64 ] || fail "--latest with --run: exit $code"
echo "ok"
