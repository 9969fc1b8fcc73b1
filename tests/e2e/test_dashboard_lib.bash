# Shared by the tests/e2e/test_dashboard_*.sh scripts (sourced, never run alone): a sample project and a
# dashboard server on a free loopback port, stopped by the EXIT trap.
set -euo pipefail
command -v curl > /dev/null || { echo "SKIPPED: curl is not installed"; exit 77; }
command -v jq > /dev/null || { echo "SKIPPED: jq is not installed"; exit 77; }

work=$(mktemp -d)
dash_pid=""
cleanup() {
  [ -n "$dash_pid" ] && kill "$dash_pid" 2> /dev/null && wait "$dash_pid" 2> /dev/null
  jobs -p | xargs -r kill 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/dash.err" ] && sed 's/^/dashboard: /' "$work/dash.err" >&2; exit 1; }

# A project with three stories in two epics and the journal of two runs (US-1 passed, US-2 blocked).
make_project() {
  cd "$work" && git init -q . && mkdir -p .simmer
  cat > simmer.json <<'JSON'
{
  // budgets drive the spend chart's budget line
  "schemaVersion": 1,
  "budget": {"total": 5, "perStory": 2},
}
JSON
  cat > .simmer/prd.json <<'JSON'
{"schemaVersion": 1, "project": "calc", "description": "A calculator",
 "epics": [{"id": "core", "title": "Core maths"}, {"id": "ui", "title": "User interface"}],
 "stories": [
  {"id": "US-1", "title": "Add two numbers", "description": "add(a, b)", "acceptanceCriteria": ["adds", "handles negatives"],
   "priority": 1, "dependencies": [], "epic": "core", "status": "passed"},
  {"id": "US-2", "title": "Divide", "description": "div(a, b)", "acceptanceCriteria": ["divides"],
   "priority": 2, "dependencies": [], "epic": "core", "status": "pending"},
  {"id": "US-3", "title": "Show the result", "description": "print it", "acceptanceCriteria": ["prints"],
   "priority": 3, "dependencies": ["US-1"], "epic": "ui", "status": "pending"}]}
JSON
  cp "$SIMMER_SOURCE_DIR/tests/e2e/fixtures/stats_two_runs.jsonl" .simmer/events.jsonl
}

# start_dashboard [flags...]: runs `simmer dashboard --port 0` and sets $url (without the token query).
start_dashboard() {
  "$SIMMER" dashboard --port 0 "$@" 2> "$work/dash.err" &
  dash_pid=$!
  for _ in $(seq 100); do
    grep -q "serving" "$work/dash.err" 2> /dev/null && break
    kill -0 "$dash_pid" 2> /dev/null || fail "dashboard exited early"
    sleep 0.1
  done
  line=$(grep "serving" "$work/dash.err") || fail "dashboard did not start"
  url=$(echo "$line" | sed -E 's|.* at (http://[^/ ]+/).*|\1|')
  full_url=$(echo "$line" | sed -E 's|.* at ([^ ]+) \(Ctrl-C.*|\1|')
}

# http <curl args...>: prints "<status> <body>" on one line, body compacted
http() {
  local body
  body=$(curl -s -o "$work/body" -w '%{http_code}' "$@") || true
  echo "$body $(cat "$work/body")"
}
