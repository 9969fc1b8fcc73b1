#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang++ into build/fuzz/ and runs each one for SECONDS (default 25)
# over its seed corpus, as ctests (label fuzz): a crash, a sanitizer report or a broken invariant fails the run.
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh --tests installs them). docs/fuzzing.md says more.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-25}
case "$seconds" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 64 ;;
esac
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is missing: run scripts/install-deps.sh --tests" >&2
  exit 1
fi
CXX=clang++ cmake -S fuzz -B build/fuzz -G Ninja -DFUZZ_SECONDS="$seconds" >/dev/null
cmake --build build/fuzz -j "$(nproc)"
# One target per core: each uses one.
ctest --test-dir build/fuzz --output-on-failure -j "$(nproc)"
