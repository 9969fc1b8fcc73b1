#!/usr/bin/env bash
# The dashboard's steering buttons (POST /api/steer) pass the same guard as the feedback box: another site's page
# (a foreign Origin, another port, Fetch Metadata cross-site), a rebinding Host, a form's content type, a GET, and,
# with a token, a request without it, with a wrong one or with it in a cookie are all refused with the exact status
# and message, and neither the journal nor prd.json changes. The same request (retry the blocked US-1) from the
# dashboard's own page is taken.
. "$(dirname "$0")/lib_web.sh"
write_prd US-1:1:
write_config
write_scenario '[{"role":"verifier","story":"US-1","handoff":{"verdict":"fail_abort","summary":"wrong approach"}}]'
commit_setup
"$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "11" "a cook that blocks US-1 ($(cat out.txt))"
steer_snapshot
start_dash
origin_refused='{"error":"refusing a request from another origin (http://evil.example): only the dashboard'"'"'s own page may call it"}'
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://evil.example\r\n")"
expect_eq "$STATUS $BODY" "HTTP/1.1 403 Forbidden $origin_refused" "cross-origin steering"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$((PORT + 1))\r\n")"
expect_eq "$STATUS" "HTTP/1.1 403 Forbidden" "steering from another port of 127.0.0.1"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nSec-Fetch-Site: cross-site\r\n")"
expect_eq "$STATUS $BODY" 'HTTP/1.1 403 Forbidden {"error":"refusing a cross-site request (Sec-Fetch-Site: cross-site)"}' \
  "cross-site steering without an Origin"
host="127.0.0.1.evil.example:$PORT"
raw '%s' "$(steer_request "Host: $host\r\nOrigin: http://$host\r\n")"
expect_eq "$STATUS $BODY" 'HTTP/1.1 403 Forbidden {"error":"refusing Host \"127.0.0.1.evil.example\": without a token this dashboard answers only to 127.0.0.1, localhost or [::1]"}' \
  "steering through a rebinding Host"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\n" "text/plain")"
expect_eq "$STATUS $BODY" 'HTTP/1.1 415 Unsupported Media Type {"error":"steering must be sent as application/json: {\"action\": \"pause\", \"storyId\": null}"}' \
  "steering as text/plain, as a form or a no-cors fetch sends it"
raw 'GET /api/steer?action=skip&storyId=US-1 HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$PORT"
expect_eq "$STATUS $BODY" 'HTTP/1.1 405 Method Not Allowed {"error":"GET /api/steer: only POST"}' "steering by GET"
unsteered "the refused requests without a token"
dash_alive
kill "$DASH_PID"
wait "$DASH_PID" 2> /dev/null

token=0123456789abcdef0123456789abcdef
start_dash --token "$token"
unauthorized='{"error":"missing or wrong token: open the URL `simmer dashboard` printed"}'
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\n")"
expect_eq "$STATUS $BODY" "HTTP/1.1 401 Unauthorized $unauthorized" "steering without the token"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nAuthorization: Bearer ${token%?}0\r\n")"
expect_eq "$STATUS $BODY" "HTTP/1.1 401 Unauthorized $unauthorized" "steering with a wrong token"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nCookie: token=$token\r\n")"
expect_eq "$STATUS" "HTTP/1.1 401 Unauthorized" "steering with the token in a cookie"
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nAuthorization: Bearer $token\r\nOrigin: http://evil.example\r\n")"
expect_eq "$STATUS $BODY" "HTTP/1.1 403 Forbidden $origin_refused" "steering with the right token from another origin"
unsteered "the refused requests with a token"

# The dashboard's own page with the token is taken: the refusals above were the guard's, not a broken route.
raw '%s' "$(steer_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$PORT\r\nSec-Fetch-Site: same-origin\r\nAuthorization: Bearer $token\r\n")"
expect_eq "$STATUS" "HTTP/1.1 200 OK" "steering from the dashboard's own page ($BODY)"
expect_eq "$(printf '%s' "$BODY" | jq -c '[.action, .storyId, .state, .message]')" \
  '["retry","US-1","applied","story US-1 is pending again"]' "the answer"
expect_eq "$(tail -n 1 .simmer/events.jsonl | jq -c '[.kind, .data.action, .data.storyId, .data.by, .data.refused]')" \
  '["steered","retry","US-1","dashboard",null]' "the journal's steered event"
expect_eq "$(story_status US-1)" "pending" "US-1 back to pending"
no_inbox
echo ok
