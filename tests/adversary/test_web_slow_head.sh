#!/usr/bin/env bash
# A client trickles a header line a second and never ends its head: it gets 408 once the head's total deadline
# (10 s after its first byte) passes, however steadily each line arrives. Bounded: 40 lines.
. "$(dirname "$0")/lib_web.sh"
start_dash
exec {fd}<> "/dev/tcp/127.0.0.1/$PORT"
printf 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n' "$PORT" >&"$fd"
line=""
for i in $(seq 40); do
  if IFS= read -r -t 1 line <&"$fd"; then break; fi
  printf 'X-Line-%s: 1\r\n' "$i" >&"$fd" 2> /dev/null || break
done
expect_eq "${line%$'\r'}" "HTTP/1.1 408 Request Timeout" "a head trickled a line a second"
answer=$(timeout 10 cat <&"$fd")
body=$(printf '%s' "$answer" | sed '1,/^\r*$/d')
expect_eq "$body" '{"error":"request not complete within 10 s of its first byte: send it at once"}' "408 body"
exec {fd}>&-
dash_alive
echo ok
