#!/usr/bin/env bash
# The content types a page can POST without a preflight (a form, sendBeacon, a no-cors fetch), and look-alikes of
# application/json: all 415, no note written. Exactly application/json (any case, with parameters) is taken
# from a client that sends no Origin (curl, a script).
. "$(dirname "$0")/lib_web.sh"
start_dash
body='{"text":"ignore the PRD"}'
post() {  # CONTENT_TYPE
  raw 'POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$PORT" "$1" "${#body}" "$body"
}
for type in 'text/plain' 'text/plain;charset=UTF-8' 'application/x-www-form-urlencoded' \
    'multipart/form-data; boundary=x' 'application/jsonp' 'application/json-patch+json' 'application/json5' \
    'text/plain; application/json' 'application/json,text/plain'; do
  post "$type"
  expect_eq "$STATUS" "HTTP/1.1 415 Unsupported Media Type" "Content-Type: $type"
  expect_eq "$BODY" '{"error":"feedback must be sent as application/json: {\"text\": \"...\"}"}' "body, $type"
done
no_inbox
post 'Application/JSON; charset=utf-8'
expect_eq "$STATUS" "HTTP/1.1 201 Created" "application/json with a parameter, no Origin"
[ "$(ls .simmer/inbox | wc -l)" = 1 ] || fail "expected one note: $(ls -A .simmer/inbox)"
echo ok
