#!/usr/bin/env bash
# One client address holds at most 16 connections: the 17th slow connection from 127.0.0.1 takes that address's
# oldest waiting one (told 503), while the total cap (24) is not reached. A client on another address of this
# machine (127.0.0.2) is served meanwhile.
. "$(dirname "$0")/lib_web.sh"
start_dash
slow=()
for _ in $(seq 17); do
  exec {fd}<> "/dev/tcp/127.0.0.1/$PORT" || fail "cannot connect"
  printf 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nX-Slow: 1\r\n' "$PORT" >&"$fd"
  slow+=("$fd")
  sleep 0.05  # an order among them for "oldest"; nothing is timed
done
IFS= read -r -t 10 line <&"${slow[0]}" || fail "the first of 17 connections from one address heard nothing"
expect_eq "${line%$'\r'}" "HTTP/1.1 503 Service Unavailable" "the oldest of 17 from one address"
for i in $(seq 1 16); do
  if IFS= read -r -t 0.05 line <&"${slow[$i]}"; then fail "connection $i of 16 was answered: $line"; fi
done
got=$(curl -s --interface 127.0.0.2 --max-time 10 -o /dev/null -w '%{http_code}' -H "Host: 127.0.0.1:$PORT" \
  "http://127.0.0.1:$PORT/api/state") || true
expect_eq "$got" 200 "a client on 127.0.0.2"
echo ok
