#!/usr/bin/env bash
# Two Host headers (a loopback one first, the attacker's second, or the reverse) and none at all: 400, never
# "the first one wins". A feedback POST carried that way writes nothing.
. "$(dirname "$0")/lib_web.sh"
start_dash
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nHost: evil.example\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "loopback Host first"
expect_eq "$BODY" '{"error":"refusing a request with 2 Host headers"}' "body, loopback Host first"
raw 'GET /api/state HTTP/1.1\r\nhost: evil.example\r\nHOST: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "attacker's Host first"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nHost: 127.0.0.1.evil.example\r\n")"
expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "feedback with two Hosts"
raw 'GET /api/state HTTP/1.0\r\n\r\n'
expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "no Host"
expect_eq "$BODY" '{"error":"refusing a request without a Host header"}' "body, no Host"
no_inbox
echo ok
