#!/usr/bin/env bash
# Configures and builds simmer. build/ is the optimised build; with --sanitize, build-asan/ is the
# AddressSanitizer + UndefinedBehaviorSanitizer build the tests run under, with every warning an error. Both compile
# the library in batches (SIMMER_UNITY, CMakeLists.txt): a clean sanitizer build of the library takes 2 to 3 minutes
# on 2 cores instead of 7 to 8 (CI has a time budget). An edit recompiles its batch; for file-by-file work configure
# your own tree with -DSIMMER_UNITY=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMMER_UNITY=ON)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  args=(-DCMAKE_BUILD_TYPE=Debug -DSIMMER_SANITIZE=ON -DSIMMER_WERROR=ON -DSIMMER_UNITY=ON)
fi
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
