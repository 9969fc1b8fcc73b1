#!/usr/bin/env bash
# events.jsonl: each line is checked against schemas/event.json (+ its kind's data schema), seq must be contiguous,
# and a torn last line is reported with a hint.
. "$(dirname "$0")/lib.sh"
: "${SIMMER:?}" "${SIMMER_SOURCE_DIR:?}"
if [[ ! -f "$SIMMER_SOURCE_DIR/schemas/event.json" ]]; then
  echo "skipped: schemas/event.json (the journal envelope schema) does not exist yet"
  exit 77
fi
cd "$work"
cp "$SIMMER_SOURCE_DIR/tests/fixtures/good/journal/events.jsonl" .
out=$("$SIMMER" validate events.jsonl)
[[ "$out" == "checked 1 file: all valid" ]] || { echo "FAIL: good journal: $out"; exit 1; }

# A gap in seq, then a torn last line.
mkdir torn
{ sed -n 1p events.jsonl; sed -n 2p events.jsonl | sed 's/"seq":2/"seq":5/'; printf '{"seq":6,"ts":"2026'; } >torn/events.jsonl
set +e
out=$("$SIMMER" validate torn/events.jsonl)
rc=$?
set -e
expected='torn/events.jsonl:2#/seq: expected 2 (the previous line'"'"'s seq + 1), found 5
torn/events.jsonl:3:15: unterminated string (a torn last line: `simmer cook` cuts it off)
checked 1 file: 1 invalid, 2 problems'
[[ "$rc" == 2 ]] || { echo "FAIL: exit $rc"; exit 1; }
[[ "$out" == "$expected" ]] || { echo "FAIL: got:"; echo "$out"; exit 1; }
echo ok
