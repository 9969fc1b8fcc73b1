#!/usr/bin/env bash
# Another site's page opens the event stream (an EventSource sends its Origin; an <img> or <script> tag sends
# Sec-Fetch-Site instead). Refused with 403 before a stream slot is taken: with --max-streams 1, the dashboard's
# own page still gets its stream afterwards.
. "$(dirname "$0")/lib_web.sh"
start_dash --max-streams 1
for i in 1 2 3; do
  raw 'GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://evil.example\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n' "$PORT"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "cross-origin EventSource $i"
  raw 'GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: image\r\nConnection: close\r\n\r\n' "$PORT"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "cross-site <img> $i"
  expect_eq "$BODY" '{"error":"refusing a cross-site request (Sec-Fetch-Site: cross-site)"}' "body, cross-site <img> $i"
done
exec {fd}<> "/dev/tcp/127.0.0.1/$PORT"
printf 'GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://127.0.0.1:%s\r\nSec-Fetch-Site: same-origin\r\n\r\n' "$PORT" "$PORT" >&"$fd"
IFS= read -r -t 10 line <&"$fd" || fail "no answer to the dashboard's own stream"
exec {fd}>&-
expect_eq "${line%$'\r'}" "HTTP/1.1 200 OK" "the page's own stream"
echo ok
