#!/usr/bin/env bash
# With a token, every request must carry it: in the Authorization header or the query, never in a cookie (which
# a browser attaches to another site's requests too). Missing, wrong, a prefix of it, or a right one in a cookie:
# 401. A wrong header is not rescued by a right query. A foreign Origin is still refused with the right token.
. "$(dirname "$0")/lib_web.sh"
token=0123456789abcdef0123456789abcdef
start_dash --token "$token"
get() {  # TARGET EXTRA_HEADERS
  raw 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n%bConnection: close\r\n\r\n' "$1" "$PORT" "${2:-}"
}
unauthorized='{"error":"missing or wrong token: open the URL `simmer dashboard` printed"}'
get /api/state
expect_eq "$STATUS $BODY" "HTTP/1.1 401 Unauthorized $unauthorized" "no token"
get "/api/state?token=${token:0:31}"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "a prefix of the token"
get "/api/state?token=${token}0"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "the token and one more digit"
get /api/state "Cookie: token=$token\r\n"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "the token in a cookie"
get "/api/state?token=$token" "Authorization: Bearer wrong\r\n"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "a wrong header beside a right query"
get /api/state "Authorization: Basic $token\r\n"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "the token under another scheme"
get "/api/state?token=$token"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "the token in the query"
get /api/state "Authorization: Bearer $token\r\n"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "the token in the header"
get /api/state "Authorization: Bearer $token\r\nOrigin: http://evil.example\r\n"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "a read with the right token from another origin"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nAuthorization: Bearer $token\r\nOrigin: http://evil.example\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "feedback with the right token from another origin"
raw '%s' "$(feedback_request "Host: 127.0.0.1:$PORT\r\nCookie: token=$token\r\n")"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "feedback with the token in a cookie"
no_inbox
echo ok
