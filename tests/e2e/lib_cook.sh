# Shared helpers of the cook end-to-end tests (sourced, not run). Each test gets a fresh git repository in a temp
# directory, removed on exit.
set -u
: "${SIMMER:?SIMMER must point at the simmer binary}"

T=$(mktemp -d)
trap 'cleanup_cook_test' EXIT
cleanup_cook_test() {
  # Stop anything a test left running (a cook in the background), by the pids the test recorded.
  for pid in ${COOK_PIDS:-}; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$T"
}
cd "$T" || exit 1
git init -q .
git config user.name "Test"
git config user.email "test@example.com"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
  if [ "$1" != "$2" ]; then
    printf 'FAIL: %s\n--- expected ---\n%s\n--- actual ---\n%s\n' "$3" "$2" "$1" >&2
    exit 1
  fi
}

# write_prd "ID:priority:dep1,dep2" ... : a PRD of those stories, each with two acceptance criteria.
write_prd() {
  mkdir -p .simmer
  {
    printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":['
    local first=1 spec id prio deps depjson
    for spec in "$@"; do
      id=${spec%%:*}
      prio=$(echo "$spec" | cut -d: -f2)
      deps=$(echo "$spec" | cut -d: -f3)
      depjson=""
      if [ -n "$deps" ]; then
        depjson=$(echo "$deps" | sed 's/[^,][^,]*/"&"/g')
      fi
      [ $first = 1 ] || printf ','
      first=0
      printf '{"id":"%s","title":"Story %s","description":"Do %s.","acceptanceCriteria":["%s works","%s is tested"],' \
        "$id" "$id" "$id" "$id" "$id"
      printf '"priority":%s,"dependencies":[%s],"epic":"","notes":"","status":"pending"}' "$prio" "$depjson"
    done
    printf ']}\n'
  } > .simmer/prd.json
}

# write_config [GATES_JSON] [EXTRA_JSON_MEMBERS]: script agents for builder and verifier, the harness orchestrates.
write_config() {
  local gates=${1:-[]} extra=${2:-}
  cat > simmer.json <<JSON
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {"agent": "script", "scenario": "scenario.json"},
    "verifier": {"agent": "script", "scenario": "scenario.json"}
  },
  "gates": $gates${extra:+,
  $extra}
}
JSON
}

# lane_story ID PRIORITY TOUCHES [DEPS_JSON]: one story of a lanes test's prd.json, declaring the one glob TOUCHES.
lane_story() {
  printf '{"id":"%s","title":"Story %s","description":"Do %s.","acceptanceCriteria":["%s works"],' "$1" "$1" "$1" "$1"
  printf '"priority":%s,"dependencies":%s,"epic":"","notes":"","status":"pending","touches":["%s"]}' "$2" "${4:-[]}" "$3"
}

# write_scenario STEPS_JSON: the script agent's scenario with those steps, each session costing $0.01.
write_scenario() {
  printf '{"schemaVersion":1,"defaults":{"costUsd":0.01},"steps":%s}\n' "${1:-[]}" > scenario.json
}

# Commit what the test set up, so the tree is clean when cook starts.
commit_setup() {
  printf 'out*.txt\n*-prompt.txt\n.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n.simmer/feedback.md\n.simmer/inbox/\n.simmer/feedback/\n' > .gitignore
  git add -A && git commit -qm setup
}

# Commit subjects, oldest first, without the setup commit.
subjects() {
  git log --reverse --format=%s | tail -n +2
}

# Kinds of the journal's events, one per line.
event_kinds() {
  sed 's/.*"kind":"\([a-z_]*\)".*/\1/' .simmer/events.jsonl
}

# status of story ID in prd.json
story_status() {
  tr -d '\n ' < .simmer/prd.json | sed "s/.*\"id\":\"$1\"//" | sed 's/^[^}]*"status":"\([a-z]*\)".*/\1/'
}

# Checks the journal's seqs are 1..N and replay --check agrees.
check_journal() {
  local n expected
  n=$(wc -l < .simmer/events.jsonl)
  expected=$(seq 1 "$n" | tr '\n' ' ')
  got=$(sed 's/.*"seq":\([0-9]*\).*/\1/' .simmer/events.jsonl | tr '\n' ' ')
  expect_eq "$got" "$expected" "journal seqs are contiguous"
  "$SIMMER" replay --check > /dev/null || fail "replay --check"
}

# cook_in_background [OUT]: starts `simmer cook` with its output in OUT (out.txt); its pid is $cook, and it is
# killed when the test ends.
cook_in_background() {
  "$SIMMER" cook > "${1:-out.txt}" 2>&1 &
  cook=$!
  COOK_PIDS="${COOK_PIDS:-} $cook"
}

# wait_for_event KIND [PATTERN]: waits (up to 60 s) until the journal holds such an event.
wait_for_event() {
  local i
  for i in $(seq 1 600); do
    if [ -f .simmer/events.jsonl ] && grep "\"kind\":\"$1\"" .simmer/events.jsonl | grep -q -- "${2:-}"; then
      return 0
    fi
    sleep 0.1
  done
  fail "no $1 event appeared"
}
