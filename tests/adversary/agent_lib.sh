# Shared by the hostile-agent cases (tests/adversary/test_agent_*.sh; sourced, not run, and not named test_* so
# that it is no case of its own). The builder is a `command` agent, agent.sh, that does its job honestly (writes
# a valid build.json for its story and attempt) after running the case's hostile part, hostile.sh, on its first
# attempt; the verifier is the script agent, which passes. Hostile processes write their pids under $PIDS (inside
# .git, so no commit picks them up); whatever a case leaves running is killed when it ends, by those pids.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDS="$T/.git/hostile-pids"
mkdir -p "$PIDS"
export HOSTILE_PIDS="$PIDS"
trap 'kill_hostiles; cleanup_cook_test' EXIT
kill_hostiles() {
  local f
  for f in "$PIDS"/*.pid; do
    [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  return 0
}

# setup_hostile HOSTILE_SCRIPT [EXTRA_CONFIG_MEMBERS]: the project, its one-story PRD, agent.sh running
# HOSTILE_SCRIPT (sh) on the first build attempt, the config, the setup commit.
setup_hostile() {
  write_prd "S-1:0:"
  printf '%s\n' "$1" > hostile.sh
  cat > agent.sh <<'SH'
cat > /dev/null
if [ "$SIMMER_ROLE" = builder ] && [ "$SIMMER_ATTEMPT" = 0 ]; then
  . ./hostile.sh
fi
printf '{"schemaVersion":1,"storyId":"%s","attempt":%s,"summary":"built","filesChanged":[],"testsAdded":[],"patterns":[]}\n' \
  "$SIMMER_STORY_ID" "$SIMMER_ATTEMPT" > "$SIMMER_HANDOFF"
SH
  cat > simmer.json <<JSON
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {"agent": "command", "command": ["sh", "agent.sh"]},
    "verifier": {"agent": "script", "scenario": "scenario.json"}
  },
  "gates": []${2:+,
  $2}
}
JSON
  # The verifier's session starts after the builder's has ended: it lists every hostile process still running
  # then, which must be none (nothing a session started outlives it, not only the cook).
  cat > check-alive.sh <<'SH'
for f in "$HOSTILE_PIDS"/*.pid; do
  [ -s "$f" ] || continue
  state=$(sed 's/.*) \(.\).*/\1/' "/proc/$(cat "$f")/stat" 2>/dev/null)
  case "$state" in ""|Z|X) ;; *) echo "$(basename "$f" .pid) is still running" ;; esac
done > "$HOSTILE_PIDS/../alive-at-verify.txt"
SH
  write_scenario '[{"role":"verifier","actions":[{"run":"sh check-alive.sh"}]}]'
  commit_setup
}

# expect_none_at_verify: no hostile process was running when the verifier's session started.
expect_none_at_verify() {
  [ -f "$PIDS/../alive-at-verify.txt" ] || fail "the verifier never ran its check: $(head -c 2000 out.txt)"
  expect_eq "$(cat "$PIDS/../alive-at-verify.txt")" "" "hostile processes still running when the verifier started"
}

# pid_of NAME: the pid a hostile process wrote to $PIDS/NAME.pid (waits for it, bounded).
pid_of() {
  local i
  for i in $(seq 1 300); do
    if [ -s "$PIDS/$1.pid" ]; then
      cat "$PIDS/$1.pid"
      return 0
    fi
    sleep 0.05
  done
  fail "the hostile agent never wrote $1.pid"
}

# running PID: whether PID is a live process (a zombie is not: it runs nothing and holds nothing).
running() {
  local state
  state=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# expect_stopped NAME WHAT: the hostile process NAME no longer runs.
expect_stopped() {
  local pid
  pid=$(pid_of "$1")
  if running "$pid"; then
    fail "$2: pid $pid ($1) is still running: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
  fi
}
