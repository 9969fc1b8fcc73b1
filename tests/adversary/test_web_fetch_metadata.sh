#!/usr/bin/env bash
# Fetch Metadata from another site (same-site counts: 127.0.0.1:8000 and 127.0.0.1:PORT are one site): every API
# call refused with 403, the page inside another site's frame too (it also says X-Frame-Options: DENY and
# frame-ancestors 'none'); a top-level navigation to the page from a link elsewhere is served.
. "$(dirname "$0")/lib_web.sh"
start_dash
for site in cross-site same-site; do
  raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: %s\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\nConnection: close\r\n\r\n' "$PORT" "$site"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "$site <script src=/api/state>"
  expect_eq "$BODY" "{\"error\":\"refusing a cross-site request (Sec-Fetch-Site: $site)\"}" "body, $site script"
  raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nSec-Fetch-Site: $site\r\nSec-Fetch-Mode: no-cors\r\n")"
  expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "$site feedback without Origin"
done
no_inbox
raw 'GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: iframe\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "the page in another site's iframe"
raw 'GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "a link to the page from another site"
printf '%s' "$ANSWER" | grep -q $'^X-Frame-Options: DENY\r$' || fail "no X-Frame-Options: DENY on the page"
printf '%s' "$ANSWER" | grep -q "frame-ancestors 'none'" || fail "no frame-ancestors 'none' on the page"
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "same-origin fetch"
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nSec-Fetch-Site: none\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "typed into the address bar"
echo ok
