# Shared setup of the end-to-end scripts that need no cooked project (sourced, not run; the cook scripts use
# lib_cook.sh, the real-CLI ones lib_agent.sh): strict mode, a fresh folder $work removed on exit, and fail.
set -euo pipefail
: "${SIMMER:?SIMMER must point at the simmer binary}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# fake_claude DIR: a `claude` in DIR (created) that answers --version as Claude Code 2.1.0 does, for the agent
# detection of init and doctor without the real CLI.
fake_claude() {
  mkdir -p "$1"
  printf '#!/bin/sh\necho "2.1.0 (Claude Code)"\n' > "$1/claude"
  chmod +x "$1/claude"
}
