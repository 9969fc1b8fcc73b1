#!/usr/bin/env bash
# `simmer stats` without a journal, with an unknown run, or with both --run and --all says why and exits non-zero.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q . && mkdir .simmer

set +e
"$SIMMER" stats > out.txt 2> err.txt; code=$?
set -e
[ "$code" = 1 ] || fail "missing journal: exit $code"
[ "$(cat err.txt)" = 'simmer: error: no journal to report on (.simmer/events.jsonl): run `simmer cook` first' ] ||
  fail "missing journal: $(cat err.txt)"

cp "$SIMMER_SOURCE_DIR/tests/e2e/fixtures/stats_two_runs.jsonl" .simmer/events.jsonl
set +e
"$SIMMER" stats --run r9 > out.txt 2> err.txt; code=$?
set -e
[ "$code" = 2 ] || fail "unknown run: exit $code"
[ "$(cat err.txt)" = 'simmer: error: unknown run (.simmer/events.jsonl): no event has runId "r9"' ] ||
  fail "unknown run: $(cat err.txt)"
[ ! -s out.txt ] || fail "unknown run printed data"

set +e
"$SIMMER" stats --run r1 --all > out.txt 2> err.txt; code=$?
set -e
[ "$code" = 64 ] || fail "--run with --all: exit $code"

# Only garbage: nothing in scope, every line counted, still a report.
printf 'garbage\n{"torn":\n' > .simmer/events.jsonl
"$SIMMER" stats --json > out.json 2> err.txt || fail "garbage journal: exit $?"
[ "$(jq -c '[.runId, .lines, .events.count]' out.json)" = '[null,{"malformed":2,"read":2},0]' ] ||
  fail "garbage journal: $(cat out.json)"
echo "ok"
