#!/usr/bin/env bash
# simmer gc keeps the newest runs' transcripts (and the run state.json names), deletes the rest; --dry-run
# deletes nothing.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q . && mkdir -p .simmer/sessions
for run in r20260101T000000Z-aaaa r20260102T000000Z-bbbb r20260103T000000Z-cccc r20260104T000000Z-dddd; do
  mkdir -p ".simmer/sessions/$run" && printf '0123456789' > ".simmer/sessions/$run/1-builder-0.jsonl"
done
echo '{"runId":"r20260101T000000Z-aaaa"}' > .simmer/state.json

out=$("$SIMMER" gc --keep 1 --dry-run)
expected="would delete .simmer/sessions/r20260103T000000Z-cccc (1 files, 10 bytes)
would delete .simmer/sessions/r20260102T000000Z-bbbb (1 files, 10 bytes)
would delete 2 run(s), 20 bytes; kept 2"
[ "$out" = "$expected" ] || { echo "FAIL: dry run said:"; echo "$out"; exit 1; }
[ "$(ls .simmer/sessions | wc -l)" = 4 ] || { echo "FAIL: dry run deleted something"; exit 1; }

"$SIMMER" gc --keep 1 --json > gc.json
[ "$(jq -r '[.removed[].run] | join(",")' gc.json)" = "r20260103T000000Z-cccc,r20260102T000000Z-bbbb" ] || { echo "FAIL: json"; cat gc.json; exit 1; }
[ "$(ls .simmer/sessions | tr '\n' ' ')" = "r20260101T000000Z-aaaa r20260104T000000Z-dddd " ] || { echo "FAIL: kept $(ls .simmer/sessions)"; exit 1; }
[ "$("$SIMMER" gc --keep 1)" = "nothing to delete: 2 run(s) of transcripts, keeping the newest 1" ] || { echo "FAIL: second gc"; exit 1; }
echo "ok: gc"
