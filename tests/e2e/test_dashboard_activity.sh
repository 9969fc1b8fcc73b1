#!/usr/bin/env bash
# The dashboard's live activity (issue 13 item 7): /api/activity names the session a running cook has open and
# renders the tail of its transcript as `simmer logs` does (the tool calls, a command's output, the totals so
# far), not the raw stream; a session of a killed cook, a finished one, or a transcript path that leaves
# .simmer/sessions/ shows nothing. /api/state carries the timeline and the wait of a usage limit.
source "$(dirname "$0")/test_dashboard_lib.bash"
command -v flock > /dev/null || { echo "SKIPPED: flock is not installed"; exit 77; }
make_project
mkdir -p .simmer/sessions/r9
cp "$SIMMER_SOURCE_DIR/tests/fixtures/streams/claude-write-bash.jsonl" .simmer/sessions/r9/3-builder-0.jsonl
line() { printf '{"seq":%s,"ts":"2026-12-07T10:00:0%s.000Z","runId":"r9","kind":"%s","data":%s}\n' "$1" "$1" "$2" "$3"; }
{
  line 1 run_started '{"version":"0.1.0","pid":10,"resumed":false,"phase":"build","storyId":"US-1"}'
  line 2 phase_started '{"phase":"build","storyId":"US-1","attempt":0}'
  line 3 session_launched '{"role":"builder","storyId":"US-1","attempt":0,"agent":"claude","pid":1,"pgid":1,"startTime":0,"bootId":"b","transcript":".simmer/sessions/r9/3-builder-0.jsonl"}'
} > .simmer/events.jsonl
start_dashboard

# No cook holds the lock: the launch is a killed cook's, nothing runs.
[ "$(curl -sf "${url}api/activity" | jq -c .session)" = null ] || fail "a killed cook's session shows as running"
flock --no-fork .simmer/lock sleep 60 &
holder=$!
trap 'kill $holder 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do
  [ "$(curl -sf "${url}api/activity" | jq -c .session)" != null ] && break
  sleep 0.1
done
activity=$(curl -sf "${url}api/activity") || fail "/api/activity"
[ "$(jq -c '.session | [.role, .storyId, .attempt, .agent, .transcript]' <<< "$activity")" = \
  '["builder","US-1",0,"claude",".simmer/sessions/r9/3-builder-0.jsonl"]' ] || fail "session: $activity"
# Rendered as simmer logs renders it (the same lines `simmer logs --story US-1` prints for this transcript).
expected=$("$SIMMER" logs --story US-1 2> /dev/null | grep '^  ' | grep -v '^  (still running') || true
[ -n "$expected" ] || fail "simmer logs rendered nothing to compare with"
[ "$(jq -r '.lines[]' <<< "$activity")" = "$expected" ] || fail "activity lines differ from simmer logs:
$(diff <(jq -r '.lines[]' <<< "$activity") <(echo "$expected"))"
jq -e '.lines | any(startswith("  > "))' <<< "$activity" > /dev/null || fail "no tool call in: $activity"
[ "$(jq -r .truncated <<< "$activity")" = false ] || fail "a short transcript reads as truncated"

# A transcript path that leaves .simmer/sessions/ (a hand-edited or hostile journal line) is not read.
line 4 session '{"role":"builder","storyId":"US-1","attempt":0,"agent":"claude","model":"m","sessionId":"s","outcome":"success","costUsd":0.1,"costReported":true,"durationMs":5,"tokens":{"input":1,"output":1,"cacheRead":0,"cacheWrite":0},"turns":1,"transcript":".simmer/sessions/r9/3-builder-0.jsonl","error":""}' >> .simmer/events.jsonl
line 5 session_launched '{"role":"verifier","storyId":"US-1","attempt":0,"agent":"claude","pid":1,"pgid":1,"startTime":0,"bootId":"b","transcript":"simmer.json"}' >> .simmer/events.jsonl
for _ in $(seq 100); do
  [ "$(curl -sf "${url}api/activity" | jq -r .session.role)" = verifier ] && break
  sleep 0.1
done
activity=$(curl -sf "${url}api/activity")
[ "$(jq -r .session.role <<< "$activity")" = verifier ] || fail "the verifier's launch not seen: $activity"
[ "$(jq -c .lines <<< "$activity")" = '[]' ] || fail "a file outside .simmer/sessions/ was read: $activity"
# A folder where the transcript should be (planted before the harness could remove it) reads as nothing yet.
line 6 session_launched '{"role":"verifier","storyId":"US-1","attempt":1,"agent":"claude","pid":1,"pgid":1,"startTime":0,"bootId":"b","transcript":".simmer/sessions/r9"}' >> .simmer/events.jsonl
for _ in $(seq 100); do
  [ "$(curl -sf "${url}api/activity" | jq -r .session.attempt)" = 1 ] && break
  sleep 0.1
done
[ "$(curl -sf "${url}api/activity" | jq -c '[.session.attempt, .lines]')" = '[1,[]]' ] || fail "a folder as transcript"

# A usage limit's wait: /api/state says until when, and the timeline shows the phase and the wait.
line 7 session '{"role":"verifier","storyId":"US-1","attempt":1,"agent":"claude","model":"m","sessionId":"s2","outcome":"usage_limit","costUsd":0,"costReported":true,"durationMs":5,"tokens":{"input":1,"output":1,"cacheRead":0,"cacheWrite":0},"turns":1,"transcript":"simmer.json","error":"limit"}' >> .simmer/events.jsonl
line 8 retry_scheduled '{"phase":"build","reason":"usage_limit","delayMs":3600000,"retry":1,"notBeforeMs":1796000000000}' >> .simmer/events.jsonl
for _ in $(seq 100); do
  [ "$(curl -sf "${url}api/state" | jq -r .run.lastSeq)" = 8 ] && break
  sleep 0.1
done
state=$(curl -sf "${url}api/state")
[ "$(jq -c .run.waiting <<< "$state")" = \
  '{"phase":"build","reason":"usage_limit","retry":1,"storyId":"US-1","until":"2026-11-30T00:53:20.000Z"}' ] ||
  fail "waiting: $(jq -c .run.waiting <<< "$state")"
[ "$(jq -c '[.run.timeline[] | [.phase, .storyId]]' <<< "$state")" = '[["build","US-1"],["wait","US-1"]]' ] ||
  fail "timeline: $(jq -c .run.timeline <<< "$state")"
[ "$(curl -sf "${url}api/activity" | jq -c .session)" = null ] || fail "a recorded session still shows as running"
echo ok
