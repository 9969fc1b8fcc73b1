#!/usr/bin/env bash
# The dashboard's safety rules: oversized bodies, foreign Host headers, paths outside .simmer/sessions/, wrong
# content types, too many event streams; each refused with its own message.
source "$(dirname "$0")/test_dashboard_lib.bash"
make_project
mkdir -p .simmer/sessions/r2 && echo '{"type":"result"}' > .simmer/sessions/r2/b1.jsonl
start_dashboard --max-streams 2

head -c 70000 /dev/zero | tr '\0' 'a' > big.txt
got=$(http -X POST -H 'Content-Type: application/json' --data-binary @big.txt "${url}api/feedback")
[ "$got" = '413 {"error":"request body over 65536 bytes refused"}' ] || fail "big body: $got"
ls .simmer/inbox 2> /dev/null | grep -q . && fail "a refused note was written"

got=$(http -H 'Host: evil.example:80' "${url}api/state")
[ "$got" = '403 {"error":"refusing Host \"evil.example\": without a token this dashboard answers only to 127.0.0.1, localhost or [::1]"}' ] ||
  fail "foreign Host: $got"

got=$(http "${url}api/transcript?path=../../../etc/passwd")
[ "$got" = '403 {"error":"only transcripts under .simmer/sessions/ are served"}' ] || fail "path escape: $got"
got=$(http "${url}api/transcript?path=.simmer/prd.json")
[ "$got" = '403 {"error":"only transcripts under .simmer/sessions/ are served"}' ] || fail "non-session file: $got"
got=$(http "${url}api/transcript?path=.simmer/sessions/r2/b1.jsonl")
[ "$got" = '200 {"type":"result"}' ] || fail "transcript: $got"

got=$(http -X POST -H 'Content-Type: text/plain' --data 'hi' "${url}api/feedback")
[ "$got" = '415 {"error":"feedback must be sent as application/json: {\"text\": \"...\"}"}' ] || fail "text/plain: $got"
got=$(http -X POST -H 'Content-Type: application/json' -H 'Origin: http://evil.example' --data '{"text":"x"}' "${url}api/feedback")
[ "$got" = '403 {"error":"refusing a request from another origin (http://evil.example): only the dashboard'"'"'s own page may call it"}' ] ||
  fail "origin: $got"
got=$(http -X PUT --data '{}' "${url}api/state")
[ "${got%% *}" = 404 ] || [ "${got%% *}" = 405 ] || fail "PUT: $got"

# Two streams fill the quota; the third is refused; closing one frees its slot.
curl -sN "${url}api/events/stream" > s1.txt &
s1=$!
curl -sN "${url}api/events/stream" > s2.txt &
for _ in $(seq 100); do grep -q retry s1.txt && grep -q retry s2.txt && break; sleep 0.1; done
got=$(http --max-time 5 "${url}api/events/stream")
[ "$got" = '503 {"error":"too many event streams (2 open): close a dashboard tab and retry"}' ] || fail "third stream: $got"
kill "$s1"; wait "$s1" 2> /dev/null || true
# The server notices the closed stream at its next write (an event or the 15 s keepalive): append one.
echo '{"seq":20,"ts":"2026-11-22T11:00:16.000Z","runId":"r2","kind":"warning","data":{"message":"x"}}' >> .simmer/events.jsonl
ok=0
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${url}api/events/stream" || true)
  [ "$code" = 200 ] && { ok=1; break; }
  sleep 0.1
done
[ "$ok" = 1 ] || fail "a freed stream slot was not reusable"
echo ok
