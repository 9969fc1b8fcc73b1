#!/usr/bin/env bash
# Oversized and ambiguous heads: a 17 KiB header line and 600 short ones (431), a Content-Length of 20 digits or
# over 64 KiB (413, before any body is read), two Content-Length fields (400: a proxy might pick the other).
# None writes a note.
. "$(dirname "$0")/lib_web.sh"
start_dash
long=$(head -c 17000 /dev/zero | tr '\0' a)
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nX-Long: %s\r\n\r\n' "$PORT" "$long"
expect_eq "$STATUS $BODY" 'HTTP/1.1 431 Request Header Fields Too Large {"error":"request head over 16 KiB refused"}' "17 KiB line"
many=$(for i in $(seq 600); do printf 'X-%s: 0123456789012345678901234\r\n' "$i"; done)
raw 'GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n%s\r\n\r\n' "$PORT" "$many"
expect_eq "$STATUS" "HTTP/1.1 431 Request Header Fields Too Large" "600 header lines"
raw 'POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{"text":"x"}' "$PORT"
expect_eq "$STATUS $BODY" 'HTTP/1.1 413 Payload Too Large {"error":"request body over 65536 bytes refused"}' "20-digit length"
raw 'POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: 65537\r\n\r\n{"text":"x"}' "$PORT"
expect_eq "$STATUS" "HTTP/1.1 413 Payload Too Large" "65537-byte length"
raw 'POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: 12\r\nContent-Length: 0\r\n\r\n{"text":"x"}' "$PORT"
expect_eq "$STATUS $BODY" 'HTTP/1.1 400 Bad Request {"error":"HTTP 400 Bad Request"}' "two lengths"
no_inbox
echo ok
