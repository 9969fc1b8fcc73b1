#!/usr/bin/env bash
# A killed cook never writes run_finished: the dashboard reads the project lock's liveness as `simmer status` does,
# so the run and its story show "interrupted", not "running"; while a process holds the lock, "running" again.
source "$(dirname "$0")/test_dashboard_lib.bash"
command -v flock > /dev/null || { echo "SKIPPED: flock is not installed"; exit 77; }
make_project
# The journal of a run killed right after it picked US-2: no story_blocked, no run_finished.
head -n 17 "$SIMMER_SOURCE_DIR/tests/e2e/fixtures/stats_two_runs.jsonl" > .simmer/events.jsonl
start_dashboard

state=$(curl -sf "${url}api/state") || fail "/api/state"
[ "$(jq -c '[.run.runId, .run.status]' <<< "$state")" = '["r2","interrupted"]' ] || fail "/api/state: $state"
stories=$(curl -sf "${url}api/stories") || fail "/api/stories"
[ "$(jq -c '[.stories[] | [.id, .status]]' <<< "$stories")" = '[["US-1","passed"],["US-2","interrupted"],["US-3","pending"]]' ] ||
  fail "/api/stories: $stories"
[ "$(curl -sf "${url}api/stories/US-2" | jq -c .journal.status)" = '"interrupted"' ] || fail "/api/stories/US-2"

# A live holder of the lock (as a cook holds it): the same journal reads as running, at once (no stale cache).
# --no-fork: the holder is this pid itself, so killing it releases the lock.
flock --no-fork .simmer/lock sleep 60 &
holder=$!
for _ in $(seq 100); do
  [ "$(curl -sf "${url}api/state" | jq -r .run.status)" = running ] && break
  sleep 0.1
done
[ "$(curl -sf "${url}api/state" | jq -r .run.status)" = running ] || fail "a held lock does not read as running"
[ "$(curl -sf "${url}api/stories" | jq -r '.stories[1].status')" = running ] || fail "US-2 is not running under a held lock"
kill "$holder"
wait "$holder" 2> /dev/null || true
[ "$(curl -sf "${url}api/state" | jq -r .run.status)" = interrupted ] || fail "the released lock still reads as running"
echo ok
