#!/usr/bin/env bash
# Without paths, validate finds the project from a subdirectory and checks simmer.json and the .simmer/ files that
# exist, naming them relative to the project root; a directory without a project is an error (exit 2).
. "$(dirname "$0")/lib.sh"
: "${SIMMER:?}" "${SIMMER_SOURCE_DIR:?}"
cd "$work"
git init -q .
cp -r "$SIMMER_SOURCE_DIR/tests/fixtures/good/project/." .
mkdir -p src/deep

out=$(cd src/deep && "$SIMMER" validate)
[[ "$out" == "checked 6 files: all valid" ]] || { echo "FAIL: clean project: $out"; exit 1; }

# Break two files; each problem is one line naming the file relative to the root.
printf '{\n  "schemaVersion": 1,\n  "retires": {}\n}\n' >simmer.json
sed -i 's/"attempt": 2/"attempt": "two"/' .simmer/build.json
set +e
out=$(cd src/deep && "$SIMMER" validate)
rc=$?
set -e
expected='simmer.json#/retires: unknown key "retires": did you mean "retries"?
.simmer/build.json#/attempt: expected an integer, found "two"
checked 6 files: 2 invalid, 2 problems'
[[ "$rc" == 2 ]] || { echo "FAIL: exit $rc, expected 2"; exit 1; }
[[ "$out" == "$expected" ]] || { echo "FAIL: got:"; echo "$out"; exit 1; }

# The same problems as JSON, with schema pointers.
set +e
json=$("$SIMMER" validate --json)
set -e
[[ $(echo "$json" | grep -c '"instancePointer"') == 2 ]] || { echo "FAIL: --json: $json"; exit 1; }
echo "$json" | grep -q '"schemaPointer": "/properties/attempt/type"' || { echo "FAIL: --json: $json"; exit 1; }

# No project at all.
empty=$(mktemp -d)
set +e
err=$(cd "$empty" && "$SIMMER" validate 2>&1 >/dev/null)
rc=$?
set -e
rm -rf "$empty"
[[ "$rc" == 2 ]] || { echo "FAIL: no project: exit $rc"; exit 1; }
[[ "$err" == "simmer: error: nothing to validate ($empty): no simmer.json and no .simmer/ files here or above" ]] ||
  { echo "FAIL: no project: $err"; exit 1; }

# --schema without a file is a usage error.
set +e
"$SIMMER" validate --schema "$SIMMER_SOURCE_DIR/schemas/prd.json" >/dev/null 2>&1
rc=$?
set -e
[[ "$rc" == 64 ]] || { echo "FAIL: --schema alone: exit $rc, expected 64"; exit 1; }
echo ok
