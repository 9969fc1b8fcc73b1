#!/usr/bin/env bash
# Every good fixture validates: exit 0, the summary line, `--json` prints an empty list, and no file changes.
. "$(dirname "$0")/lib.sh"
: "${SIMMER:?}" "${SIMMER_SOURCE_DIR:?}"
good="$SIMMER_SOURCE_DIR/tests/fixtures/good"
sums() { (cd "$good" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
sums >"$work/before"

cd "$good"
out=$("$SIMMER" validate prd.json task.json build.json verdict.json progress.json simmer.json jsonc/simmer.json)
expected="checked 7 files: all valid"
[[ "$out" == "$expected" ]] || { echo "FAIL: got: $out"; exit 1; }

json=$("$SIMMER" validate --json prd.json simmer.json)
[[ "$json" == "[]" ]] || { echo "FAIL: --json got: $json"; exit 1; }

# A schema given with --schema works on any file name.
cp prd.json "$work/anything.json"
out=$("$SIMMER" validate --schema "$SIMMER_SOURCE_DIR/schemas/prd.json" "$work/anything.json")
[[ "$out" == "checked 1 file: all valid" ]] || { echo "FAIL: --schema got: $out"; exit 1; }

sums >"$work/after"
diff -u "$work/before" "$work/after" || { echo "FAIL: validate changed a fixture"; exit 1; }
echo ok
