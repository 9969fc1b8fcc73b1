#!/usr/bin/env bash
# No answer ever carries a CORS header: a preflight from another origin is refused (403), so a browser never
# sends the JSON POST after it; nor does any route grant one, or set a cookie.
. "$(dirname "$0")/lib_web.sh"
start_dash
raw 'OPTIONS /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "preflight from another origin"
all=$ANSWER
raw 'OPTIONS /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://127.0.0.1:%s\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n' "$PORT" "$PORT"
expect_eq "$STATUS" "HTTP/1.1 405 Method Not Allowed" "preflight from the page's own origin"
all+=$ANSWER
for path in / /api/state /api/stories /api/events; do
  raw 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$PORT" "$PORT"
  expect_eq "$STATUS" "HTTP/1.1 200 OK" "GET $path"
  all+=$ANSWER
done
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$PORT\r\n")"
expect_eq "$STATUS" "HTTP/1.1 201 Created" "the page's own feedback"
all+=$ANSWER
if printf '%s' "$all" | grep -iE '^(access-control-|set-cookie:)'; then
  fail "an answer carried a CORS header or a cookie"
fi
echo ok
