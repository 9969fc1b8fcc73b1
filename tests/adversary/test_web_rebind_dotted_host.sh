#!/usr/bin/env bash
# DNS rebinding: a page on 127.0.0.1.evil.example (a name its attacker points at 127.0.0.1) reads the state and
# posts feedback with its own Host and Origin. Both refused (403), no note written.
. "$(dirname "$0")/lib_web.sh"
start_dash
for host in "127.0.0.1.evil.example:$PORT" "127.0.0.1.evil.example" "127.evil.example:$PORT"; do
  shown=${host%:*}
  raw 'GET /api/state HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "GET with Host $host"
  expect_eq "$BODY" "{\"error\":\"refusing Host \\\"$shown\\\": without a token this dashboard answers only to 127.0.0.1, localhost or [::1]\"}" "body for Host $host"
  raw '%s' "$(feedback_request "Host: $host\r\nOrigin: http://$host\r\n")"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "feedback with Host $host"
done
no_inbox
dash_alive
echo ok
