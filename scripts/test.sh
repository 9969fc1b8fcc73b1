#!/usr/bin/env bash
# The README's second command: install everything the tests use, build under ASan+UBSan and run every test; then
# build the optimised binary (build/) and run the crash tests, the lanes tests and the adversarial suite on it as
# well, because kills and races land differently at full speed (the crash test once passed under ASan while the
# optimised build lost commit messages), and run each fuzz target for SIMMER_FUZZ_SECONDS (default 20). Arguments
# go to both ctest runs (e.g. -R cook; the fuzzers then do not run). ctest fails when a selection matches no
# test, and any skipped test (exit 77) fails the command, listed, unless SIMMER_ALLOW_SKIP=1. Last, the C++ formatting is checked
# (scripts/check-format.sh): a format error fails the command too, after every test has run and reported, so that
# a misplaced space never hides a test result.
set -euo pipefail
cd "$(dirname "$0")/.."

# timed NAME CMD...: runs CMD and keeps how long it took, printed at the end (CI has a time budget: know where it goes).
timings=()
timed() {
  local name=$1 start=$SECONDS rc=0
  shift
  "$@" || rc=$?
  timings+=("$name $((SECONDS - start)) s")
  return "$rc"
}

timed install scripts/install-deps.sh --tests

# run_ctest DIR ARGS...: ctest in DIR with its output kept, then the skipped tests counted.
skipped_all=()
run_ctest() {
  local dir=$1 log status=0
  shift
  log=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$(nproc)" "$@" 2>&1 | tee "$log" || status=$?
  # ctest lists what did not run after "The following tests did not run:", one "  <n> - <name> (Skipped)" a line.
  local skipped
  skipped=$(sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (\(Skipped\|Disabled\))$/\1/p' "$log")
  rm -f "$log"
  if [ -n "$skipped" ]; then
    while IFS= read -r name; do skipped_all+=("$dir: $name"); done <<< "$skipped"
  fi
  return "$status"
}

timed "sanitized build" scripts/build.sh --sanitize
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# Under ASan every restart of a killed cook costs each of its processes a second of CPU: the crash tests kill 20
# times there (a memory error shows at any kill) and 50 times on the optimised build below, the count they promise.
SIMMER_CRASH_KILLS=${SIMMER_CRASH_KILLS_ASAN:-20} timed "sanitized tests" run_ctest build-asan "$@" || status=$?

# The optimised run needs the binary only (the unit tests already ran, under the sanitizers); the package test
# (tests/package/) runs here only: a release is the optimised binary, stripped.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMMER_UNITY=ON >/dev/null
timed "optimised build" cmake --build build -j "$(nproc)" --target simmer
timed "optimised tests" run_ctest build -R '^(e2e\.cook_crash|e2e\.cook_lanes.*|adversary\..*|package\..*)$' "$@" || status=$?

# The libFuzzer targets (fuzz/, docs/fuzzing.md), a bounded time each, when no selection was asked for.
if [ $# -eq 0 ]; then
  timed fuzz scripts/fuzz.sh "${SIMMER_FUZZ_SECONDS:-20}" || status=$?
fi

# The formatting, after the tests so its verdict comes on top of theirs, never instead of them.
timed format scripts/check-format.sh || status=$?
echo "scripts/test.sh: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g'), $SECONDS s in all"

if [ ${#skipped_all[@]} -gt 0 ]; then
  {
    echo "simmer: error: ${#skipped_all[@]} test(s) skipped (scripts/test.sh): a skipped test proves nothing;" \
      "install what they need, or set SIMMER_ALLOW_SKIP=1 to accept it:"
    printf '  %s\n' "${skipped_all[@]}"
  } >&2
  if [ "${SIMMER_ALLOW_SKIP:-0}" != 1 ]; then
    status=1
  fi
fi
exit "$status"
