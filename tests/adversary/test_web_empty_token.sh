#!/usr/bin/env bash
# `--token ''` (a script whose secret variable was empty) is a command-line error (exit 64), never "no token":
# nothing is served, on a loopback host or any other. A token that a URL or header cannot carry is refused too.
. "$(dirname "$0")/lib.sh"
write_prd US-1:1:
for host in 127.0.0.1 0.0.0.0; do
  expect_exit 64 "--token '' on $host" timeout 10 "$SIMMER" dashboard --host "$host" --port 0 --token ''
  expect_eq "$(cat out.txt)" "simmer: error: token refused (--token): an empty token would let any request in" \
    "message for --token '' on $host"
done
expect_exit 64 "--token with a space" timeout 10 "$SIMMER" dashboard --port 0 --token 'a b'
expect_eq "$(cat out.txt)" \
  "simmer: error: token refused (--token): use only A-Z a-z 0-9 - . _ ~, so the token fits a URL and a header as typed" \
  "message for a token with a space"
expect_exit 64 "--token with '&'" timeout 10 "$SIMMER" dashboard --port 0 --token 'a&token=b'
echo ok
