#!/usr/bin/env bash
# Figures at the edge of double's range: two sessions of $1.5e308 summed to an infinity, which state.json can only
# write as null, so `status` then refused the state the cook had written (exit 2). Spend now saturates at 1e300:
# `replay`, `cook`, `status` and `stats` all answer, and replay --check agrees.
. "$(dirname "$0")/lib_input.sh"
cook_one_story
n=$(wc -l < .simmer/events.jsonl)
run=$(head -n 1 .simmer/events.jsonl | jq -r .runId)
for i in 1 2; do
  n=$((n + 1))
  printf '{"data":{"agent":"script","attempt":0,"costReported":true,"costUsd":1.5e308,"durationMs":1,"error":"","model":"m","outcome":"success","role":"builder","sessionId":"s%s","storyId":null,"tokens":{"cacheRead":0,"cacheWrite":0,"input":0,"output":0},"transcript":"t","turns":1},"kind":"session","runId":"%s","seq":%s,"ts":"2026-12-01T10:00:00.000Z"}\n' \
    "$i" "$run" "$n" >> .simmer/events.jsonl
done
expect_exit 0 "replay" "$SIMMER" replay
expect_eq "$(jq -c .spend.totalUsd out.txt)" "1e+300" "replayed spend"
expect_exit 0 "cook" "$SIMMER" cook
expect_exit 0 "status --json" "$SIMMER" status --json
expect_eq "$(jq -c .spendUsd out.txt)" "1e+300" "status spend"
expect_exit 0 "replay --check" "$SIMMER" replay --check
expect_exit 0 "stats" "$SIMMER" stats --all --json
echo ok
