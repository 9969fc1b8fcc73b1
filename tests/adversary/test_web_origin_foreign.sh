#!/usr/bin/env bash
# A page of another site calls the dashboard directly (Host 127.0.0.1:PORT, Origin its own): the read and the
# feedback POST are both refused with 403, and no note is written.
. "$(dirname "$0")/lib_web.sh"
start_dash
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "cross-origin GET"
expect_eq "$BODY" '{"error":"refusing a request from another origin (http://evil.example): only the dashboard'"'"'s own page may call it"}' "body, cross-origin GET"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://evil.example\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "cross-origin feedback"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: https://127.0.0.1:$PORT\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "https origin"
no_inbox
# The dashboard's own page, as a browser sends it, is taken.
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$PORT\r\nSec-Fetch-Site: same-origin\r\n")"
expect_eq "$STATUS" "HTTP/1.1 201 Created" "same-origin feedback"
echo ok
