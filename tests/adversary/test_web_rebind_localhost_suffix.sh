#!/usr/bin/env bash
# DNS rebinding through names that start or end like a loopback name: localhost.evil.example, evil.localhost,
# localhost. and a decimal or hex 127.0.0.1 (a browser would have canonicalised those). All refused with 403.
. "$(dirname "$0")/lib_web.sh"
start_dash
for host in localhost.evil.example evil.localhost localhost. 2130706433 0x7f.0.0.1 127.0.0.01 127.1 127.0.0.1.5; do
  raw 'GET /api/state HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$host" "$PORT"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "GET with Host $host"
  expect_eq "$BODY" "{\"error\":\"refusing Host \\\"$host\\\": without a token this dashboard answers only to 127.0.0.1, localhost or [::1]\"}" "body for Host $host"
done
# The spellings a browser really sends for this machine still work.
for host in "127.0.0.1:$PORT" "localhost:$PORT" "LOCALHOST:$PORT" "127.0.0.2:$PORT" "[::1]:$PORT"; do
  raw 'GET /api/state HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host"
  expect_eq "$STATUS" "HTTP/1.1 200 OK" "GET with Host $host"
done
echo ok
