#!/usr/bin/env bash
# A Host that is not exactly host[:port]: a space or a tab inside, an IPv6 literal with a suffix, an empty or
# out-of-range port, user info. Each is 400 with its own message, whatever it starts with.
. "$(dirname "$0")/lib_web.sh"
start_dash
check() {  # HOST_BYTES SHOWN_IN_JSON
  raw 'GET /api/state HTTP/1.1\r\nHost: %b\r\nConnection: close\r\n\r\n' "$1"
  expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "Host '$1'"
  expect_eq "$BODY" "{\"error\":\"refusing Host \\\"$2\\\": not a host[:port]\"}" "body for Host '$1'"
}
check '127.0.0.1 evil.example' '127.0.0.1 evil.example'
check '127.0.0.1\tevil.example' '127.0.0.1\tevil.example'
check "127.0.0.1:$PORT evil.example" "127.0.0.1:$PORT evil.example"
check '[::1].evil.example' '[::1].evil.example'
check '127.0.0.1:' '127.0.0.1:'
check '127.0.0.1:99999' '127.0.0.1:99999'
check 'evil.example@127.0.0.1' 'evil.example@127.0.0.1'
dash_alive
echo ok
