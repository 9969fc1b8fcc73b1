#!/usr/bin/env bash
# "Origin: null" is what a sandboxed iframe, a file: page or a cross-site redirect sends: never the dashboard's
# own page. A feedback POST with it is refused (403), as is one with two Origin headers.
. "$(dirname "$0")/lib_web.sh"
start_dash
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: null\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "Origin: null"
expect_eq "$BODY" '{"error":"refusing a request from another origin (null): only the dashboard'"'"'s own page may call it"}' "body, Origin: null"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$PORT\r\nOrigin: http://evil.example\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "two Origins"
no_inbox
echo ok
