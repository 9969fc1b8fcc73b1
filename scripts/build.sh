#!/usr/bin/env bash
# Configures and builds simmer. build/ is the optimised build; with --sanitize, build-asan/ is the
# AddressSanitizer + UndefinedBehaviorSanitizer build the tests run under. The optimised library is compiled in
# batches (SIMMER_UNITY, CMakeLists.txt): a clean build in a third of the time. The sanitizer build compiles file
# by file, with every warning an error, as each file is written.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMMER_UNITY=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  args=(-DCMAKE_BUILD_TYPE=Debug -DSIMMER_SANITIZE=ON -DSIMMER_WERROR=ON -DSIMMER_UNITY=OFF)
fi
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
