#!/usr/bin/env bash
# Heads that one parser reads one way and another parser another: lines ended by a bare LF (refused at once, not
# after a timeout), a bare LF or CR smuggling a second header into a Host line, a NUL cutting a Host short, a
# control byte in a value. Each is 400; none writes a note.
. "$(dirname "$0")/lib_web.sh"
start_dash
check() {  # WHAT FORMAT ARGS...
  local what=$1
  shift
  raw "$@"
  expect_eq "$STATUS $BODY" 'HTTP/1.1 400 Bad Request {"error":"HTTP 400 Bad Request"}' "$what"
}
check "bare LF lines" 'GET /api/state HTTP/1.1\nHost: 127.0.0.1:%s\n\n' "$PORT"
check "bare LF in a Host" 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\nX-Evil: 1\r\nConnection: close\r\n\r\n' "$PORT"
check "bare CR in a Host" 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\rX-Evil: 1\r\nConnection: close\r\n\r\n' "$PORT"
check "NUL in a Host" 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\0.evil.example\r\nConnection: close\r\n\r\n'
check "NUL in the target" 'GET /api/state\0x HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n\r\n' "$PORT"
check "escape byte in a value" 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nX: \033[2J\r\n\r\n' "$PORT"
body='{"text":"x"}'
check "bare LF feedback" 'POST /api/feedback HTTP/1.1\nHost: 127.0.0.1:%s\nContent-Type: application/json\nContent-Length: %s\n\n%s' "$PORT" "${#body}" "$body"
no_inbox
dash_alive
echo ok
