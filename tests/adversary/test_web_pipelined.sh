#!/usr/bin/env bash
# Pipelined requests are each judged on their own: a good GET, then in the same packet a feedback POST from
# another origin (a page on another port of 127.0.0.1) and one with two Hosts. The GET is answered 200, the POST
# 403 and the connection closed before the third is read; no note is written. A note's body never leaks into the
# next request.
. "$(dirname "$0")/lib_web.sh"
start_dash
good="GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\n\r\n"
other=$((PORT == 8000 ? 8001 : 8000))
evil=$(feedback_request "Host: 127.0.0.1:$PORT\r\nOrigin: http://127.0.0.1:$other\r\n")
twice=$(feedback_request "Host: 127.0.0.1:$PORT\r\nHost: evil.example\r\n")
raw "$good%s%s" "$evil" "$twice"
statuses=$(printf '%s' "$ANSWER" | grep -a '^HTTP/1.1 ' | tr -d '\r' | tr '\n' '|')
expect_eq "$statuses" "HTTP/1.1 200 OK|HTTP/1.1 403 Forbidden|" "pipelined answers"
no_inbox
# A body that looks like a request is a body: the note holds it, and no second answer comes.
inner="GET /api/state HTTP/1.1\\r\\nHost: evil.example\\r\\n\\r\\n"
note="{\"text\":\"$inner\"}"
raw 'POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%sGET /api/stories HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' \
  "$PORT" "${#note}" "$note" "$PORT"
statuses=$(printf '%s' "$ANSWER" | grep -a '^HTTP/1.1 ' | tr -d '\r' | tr '\n' '|')
expect_eq "$statuses" "HTTP/1.1 201 Created|HTTP/1.1 200 OK|" "a note then a pipelined GET"
expect_eq "$(cat .simmer/inbox/*.md)" "$(printf 'GET /api/state HTTP/1.1\r\nHost: evil.example\r\n\r\n')" "the note's text"
echo ok
