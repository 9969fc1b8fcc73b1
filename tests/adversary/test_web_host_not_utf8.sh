#!/usr/bin/env bash
# A Host (or Origin) holding bytes that are not UTF-8: the refusal quotes it with U+FFFD instead of throwing
# while rendering the message, and the dashboard goes on serving.
. "$(dirname "$0")/lib_web.sh"
start_dash
raw 'GET /api/state HTTP/1.1\r\nHost: \377evil\r\nConnection: close\r\n\r\n'
expect_eq "$STATUS" "HTTP/1.1 400 Bad Request" "Host with byte 0xff"
expect_eq "$BODY" $'{"error":"refusing Host \\"\xef\xbf\xbdevil\\": not a host[:port]"}' "body, Host with byte 0xff"
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://\377\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "Origin with byte 0xff"
dash_alive
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "the next request"
echo ok
