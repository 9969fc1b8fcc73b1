#!/usr/bin/env bash
# Installs what simmer needs on Debian 12, as root (or with sudo): the build's Debian packages and, with
# --tests, what the test suite and benchmarks use (Chromium, the JSON Schema test suite) plus the pinned npm
# tools (agent CLIs, ajv, Bun, playwright-core) into the git-ignored tools/<group>/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--tests" ] && with_tests=1

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

packages=(g++ cmake ninja-build pkg-config git ccache help2man dpkg-dev
          nlohmann-json3-dev libcli11-dev libfmt-dev libcpp-httplib-dev catch2 libsimdjson-dev)
if [ "$with_tests" = 1 ]; then
  packages+=(json-schema-test-suite jq tmux chromium wrk hyperfine procps)
  packages+=(debootstrap)  # tests/package: the .deb installed into a clean Debian root
  packages+=(clang libclang-rt-14-dev)  # scripts/fuzz.sh: clang++ and its libFuzzer + sanitizer runtimes
  packages+=(clang-format)  # scripts/check-format.sh: clang-format 14, the version .clang-format is tuned for
  # Node.js may already be there from another source (NodeSource's nodejs bundles npm and conflicts with
  # Debian's npm package): take Debian's only when the commands are missing.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$with_tests" = 1 ]; then
  # Each tools/<group>/ pins its npm packages in package-lock.json; they install into tools/<group>/node_modules
  # (git-ignored), never globally. A group that fails to install only skips the tests that need it.
  for manifest in tools/*/package.json; do
    [ -f "$manifest" ] || continue
    group=$(dirname "$manifest")
    if ! (cd "$group" && npm ci --no-audit --no-fund --loglevel=error); then
      echo "install-deps: npm tools in $group could not be installed; the tests that need them will report SKIPPED" >&2
    fi
  done
fi
