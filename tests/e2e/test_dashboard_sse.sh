#!/usr/bin/env bash
# /api/events/stream resumes after Last-Event-ID, then pushes an event as soon as it is appended to the journal.
source "$(dirname "$0")/test_dashboard_lib.bash"
make_project
start_dashboard

curl -sN -H 'Last-Event-ID: 17' "${url}api/events/stream" > stream.txt &
for _ in $(seq 100); do grep -q '^id: 19$' stream.txt && break; sleep 0.1; done
[ "$(grep '^id: ' stream.txt | tr '\n' ' ')" = 'id: 18 id: 19 ' ] || fail "resume after 17: $(cat stream.txt)"
grep -q '^retry: 1000$' stream.txt || fail "no retry hint"

# The appends stand for a cook's, which holds the project lock while it runs (--no-fork: killing the pid releases it).
flock --no-fork .simmer/lock sleep 60 &
holder=$!
line='{"seq":20,"ts":"2026-11-22T12:00:00.000Z","runId":"r3","kind":"run_started","data":{"version":"0.1.0","pid":5,"resumed":true,"phase":"orchestrate","storyId":null}}'
echo "$line" >> .simmer/events.jsonl
for _ in $(seq 100); do grep -q '^id: 20$' stream.txt && break; sleep 0.1; done
grep -qxF "data: $line" stream.txt || fail "appended event not pushed: $(cat stream.txt)"

# A torn append is not an event until its newline arrives.
printf '{"seq":21,"ts":"2026-11-22T12:00:01.000Z","runId":"r3","kind":"warning",' >> .simmer/events.jsonl
sleep 0.5
grep -q '^id: 21$' stream.txt && fail "a torn line was pushed"
printf '"data":{"message":"late"}}\n' >> .simmer/events.jsonl
for _ in $(seq 100); do grep -q '^id: 21$' stream.txt && break; sleep 0.1; done
grep -q '^id: 21$' stream.txt || fail "completed line not pushed"
[ "$(curl -sf "${url}api/state" | jq -c '[.run.runId, .run.status, .run.lastSeq]')" = '["r3","running",21]' ] ||
  fail "state after the appends"
kill "$holder"
wait "$holder" 2> /dev/null || true
[ "$(curl -sf "${url}api/state" | jq -r .run.status)" = interrupted ] || fail "state once the appending cook is gone"
echo ok
