#!/usr/bin/env bash
# The bad-input corpus: every case under tests/fixtures/bad/<case>/ is run as `simmer validate $(cat args)` inside
# its directory, and its exit code, stdout and stderr must match <case>/expected.txt exactly. No case may change
# any file: every corpus file's sha256 is compared before and after.
# SIMMER_UPDATE_EXPECTED=1 rewrites the expected files instead (review the diff before committing it).
. "$(dirname "$0")/lib.sh"

: "${SIMMER:?SIMMER must name the simmer binary}"
: "${SIMMER_SOURCE_DIR:?}"
# Cases run inside their own directories, so a relative binary path must be made absolute first.
[[ "$SIMMER" == /* ]] || SIMMER="$PWD/$SIMMER"
corpus="$SIMMER_SOURCE_DIR/tests/fixtures/bad"

checksums() { (cd "$corpus" && find . -type f ! -name expected.txt -print0 | sort -z | xargs -0 sha256sum); }
checksums >"$work/before"

cases=0
failed=0
for dir in "$corpus"/*/; do
  name=$(basename "$dir")
  cases=$((cases + 1))
  read -r -a args <"$dir/args"
  set +e
  (cd "$dir" && NO_COLOR=1 "$SIMMER" validate "${args[@]}") >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  set -e
  {
    echo "exit: $rc"
    echo "--- stdout"
    cat "$work/out"
    echo "--- stderr"
    cat "$work/err"
  } >"$work/actual"
  if [[ "${SIMMER_UPDATE_EXPECTED:-}" == 1 ]]; then
    cp "$work/actual" "$dir/expected.txt"
  elif ! diff -u "$dir/expected.txt" "$work/actual" >"$work/diff"; then
    echo "FAIL: $name"
    cat "$work/diff"
    failed=$((failed + 1))
  fi
  # A crash (sanitizer report, signal) is never an expected outcome.
  if ((rc >= 128)) || grep -q 'Sanitizer' "$work/err"; then
    echo "FAIL: $name crashed (exit $rc)"
    failed=$((failed + 1))
  fi
done

checksums >"$work/after"
if ! diff -u "$work/before" "$work/after"; then
  echo "FAIL: validate changed corpus files"
  failed=$((failed + 1))
fi

if ((cases < 30)); then
  echo "FAIL: the corpus has $cases cases, expected at least 30"
  exit 1
fi
echo "$cases cases, $failed failures"
((failed == 0))
