#!/usr/bin/env bash
# A page served by another server on this machine (say a dev server an agent started on 127.0.0.1:8000) posts
# feedback: same host, another port, so another origin. Refused (403), no note written; localhost vs 127.0.0.1
# is another origin too.
. "$(dirname "$0")/lib_web.sh"
start_dash
other=$((PORT == 8000 ? 8001 : 8000))
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$other\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "origin on another port"
expect_eq "$BODY" "{\"error\":\"refusing a request from another origin (http://127.0.0.1:$other): only the dashboard's own page may call it\"}" "body, another port"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://localhost:$PORT\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "localhost origin, 127.0.0.1 host"
raw 'GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nOrigin: http://127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$PORT" "$other"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "event stream from another port"
no_inbox
echo ok
