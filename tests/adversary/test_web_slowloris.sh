#!/usr/bin/env bash
# Slow loris: 24 clients (every connection slot) each trickle a header line a second and never finish. A client
# that sends its request at once is still served, again and again while they keep coming back; each slow client
# taken to make room is told 503.
. "$(dirname "$0")/lib_web.sh"
start_dash
slow=()
open_slow() {
  local fd
  exec {fd}<> "/dev/tcp/127.0.0.1/$PORT" || fail "cannot connect a slow client"
  printf 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n' "$PORT" >&"$fd"
  slow+=("$fd")
}
for _ in $(seq 24); do open_slow; done
# One header line a second on every slow connection, for as long as the case runs (bounded: 60 lines).
(
  trap '' PIPE  # a connection the server closed must not end the trickle of the others
  for i in $(seq 60); do
    for fd in "${slow[@]}"; do printf 'X-Line-%s: 1\r\n' "$i" >&"$fd" 2> /dev/null; done
    sleep 1
  done
) &
COOK_PIDS="$COOK_PIDS $!"
served=0
for round in 1 2 3 4 5; do
  got=$(curl -s --max-time 10 -o body.json -w '%{http_code}' "http://127.0.0.1:$PORT/api/state") || true
  expect_eq "$got" 200 "the well-behaved client, round $round"
  jq -e '.run | type == "object"' body.json > /dev/null || fail "round $round: not the state: $(head -c 300 body.json)"
  served=$((served + 1))
  open_slow  # the attacker takes the freed slot back at once
done
expect_eq "$served" 5 "rounds served"
# The oldest slow client was taken to make room and was told why.
IFS= read -r -t 10 line <&"${slow[0]}" || fail "the slow client taken to make room heard nothing"
expect_eq "${line%$'\r'}" "HTTP/1.1 503 Service Unavailable" "the first slow client"
dash_alive
echo ok
