# Shared by tests/e2e/test_agent_*.sh: a temp git project, the fake model server, the real agent CLIs from
# tools/agents/node_modules (pinned), and the one-session driver. Source it; it sets `set -euo pipefail`.
set -euo pipefail

AGENT_BIN="$SIMMER_SOURCE_DIR/tools/agents/node_modules/.bin"
FAKE_SERVER="$SIMMER_BUILD_DIR/tests/fake_model_server"
DRIVER="$SIMMER_BUILD_DIR/tests/agent_session_driver"

work=$(mktemp -d "${TMPDIR:-/tmp}/simmer-e2e-agent.XXXXXX")
proj="$work/proj"
mkdir -p "$proj" "$work/home"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
[ -z "${SIMMER_KEEP_WORK:-}" ] || trap 'kill "$server_pid" 2>/dev/null; echo "kept $work" >&2' EXIT
git -C "$proj" init -q
git -C "$proj" config user.email e2e@simmer.test
git -C "$proj" config user.name e2e
# The CLIs keep their settings and sessions under HOME: a private one per test, never the user's.
export HOME="$work/home"
export PATH="$AGENT_BIN:$PATH"

fail() { echo "FAIL: $*" >&2; exit 1; }

# require_cli <name>: skip (77) with the reason when the pinned npm CLI is not installed.
require_cli() {
  if [ ! -x "$AGENT_BIN/$1" ]; then
    echo "SKIPPED: $1 is not installed in tools/agents/node_modules (run scripts/install-deps.sh --tests)"
    exit 77
  fi
  "$AGENT_BIN/$1" --version >/dev/null 2>&1 || { echo "SKIPPED: $1 is installed but does not run here"; exit 77; }
}

# start_server <scenario file>: starts the fake model server; sets PORT and LOG.
start_server() {
  [ -x "$FAKE_SERVER" ] || fail "fake model server not built: $FAKE_SERVER"
  LOG="$work/requests.jsonl"
  "$FAKE_SERVER" --scenario "$1" --log "$LOG" > "$work/port" &
  server_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  PORT=$(head -1 "$work/port")
  [ -n "$PORT" ] || fail "fake model server did not start"
}

# Environment that points each CLI at the fake server (as driver --env flags).
claude_env() {
  echo --env ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" --env ANTHROPIC_API_KEY=fake-key \
       --env CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 --env CLAUDE_CODE_MAX_RETRIES=0
}
# Codex's own sandbox (workspace-write) runs its commands through the system's bubblewrap when one is installed,
# and Debian 12's (0.8, without --argv0) makes every command fail with `bwrap: execvp codex-linux-sandbox: No such
# file or directory` (docs/agents.md): the tests turn it off, simmer's adapter is what they prove.
codex_args() {
  echo --sandbox danger-full-access --env OPENAI_API_KEY=fake-key --arg -c --arg 'model_provider="fake"' \
       --arg -c --arg 'model_providers.fake.name="fake"' \
       --arg -c --arg "model_providers.fake.base_url=\"http://127.0.0.1:$PORT/v1\"" \
       --arg -c --arg 'model_providers.fake.env_key="OPENAI_API_KEY"' \
       --arg -c --arg 'model_providers.fake.wire_api="responses"'
}
gemini_env() {
  mkdir -p "$HOME/.gemini"
  echo '{"security":{"auth":{"selectedType":"gemini-api-key"}}}' > "$HOME/.gemini/settings.json"
  echo --env GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$PORT" --env GEMINI_API_KEY=fake-key
}

# claude_role: a simmer.json role running the real claude against the fake server (after start_server); the
# CLI's own retries are off so that the loop's retry rules are what a test sees.
claude_role() {
  echo '{"agent":"claude","timeout":120,"env":{"ANTHROPIC_BASE_URL":"http://127.0.0.1:'"$PORT"'","ANTHROPIC_API_KEY":"fake-key","CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC":"1","CLAUDE_CODE_MAX_RETRIES":"0"}}'
}

# cook_with_role <role json>: from "$proj", writes simmer.json with that role as builder and verifier (the harness
# orchestrates, no gates), commits the project and runs `simmer cook`, which must exit 0 (output in $work/cook.txt).
cook_with_role() {
  cat > simmer.json <<JSON
{"schemaVersion":1,"project":"demo","agents":{"orchestrator":{"agent":"harness"},"builder":$1,"verifier":$1},"gates":[]}
JSON
  printf '.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n' > .gitignore
  git add -A && git commit -qm setup
  "$SIMMER" cook > "$work/cook.txt" 2>&1 || fail "cook exit $?: $(cat "$work/cook.txt")"
}

# run_driver <out.json> <driver args...>: one session through simmer's supervisor; events go to <out>.events.
run_driver() {
  local out=$1; shift
  [ -x "$DRIVER" ] || fail "session driver not built: $DRIVER"
  "$DRIVER" --cwd "$proj" "$@" > "$out" 2> "$out.events" || fail "driver failed: $(cat "$out.events")"
}

# field <file.json> <jq filter>
field() { jq -r "$2" "$1"; }
