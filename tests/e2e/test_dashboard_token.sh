#!/usr/bin/env bash
# A dashboard on a non-loopback host generates a token, prints it in its URL, and refuses requests without it;
# an empty --token is refused.
source "$(dirname "$0")/test_dashboard_lib.bash"
make_project
start_dashboard --host 0.0.0.0
token=$(echo "$full_url" | sed -nE 's|.*\?token=([0-9a-f]{32})$|\1|p')
[ -n "$token" ] || fail "no 32-hex token in the printed URL: $full_url"
local_url="http://127.0.0.1:${url##*:}"

got=$(http "${local_url}api/state")
[ "$got" = '401 {"error":"missing or wrong token: open the URL `simmer dashboard` printed"}' ] || fail "no token: $got"
got=$(http "${local_url}api/state?token=0000")
[ "${got%% *}" = 401 ] || fail "wrong token: $got"
got=$(http -H "Authorization: Bearer $token" "${local_url}api/state")
[ "${got%% *}" = 200 ] || fail "bearer token: $got"
got=$(http "${local_url}?token=$token")
[ "${got%% *}" = 200 ] || fail "page with token: ${got:0:80}"
kill "$dash_pid"; wait "$dash_pid" 2> /dev/null || true; dash_pid=""

# An empty --token is a mistake (a script's secret variable was empty), never "no token" nor "make one up".
set +e
timeout 10 "$SIMMER" dashboard --host 0.0.0.0 --port 0 --token "" > /dev/null 2> err.txt
code=$?
set -e
[ "$code" = 64 ] || fail "--token '': exit $code, expected 64: $(cat err.txt)"
[ "$(cat err.txt)" = "simmer: error: token refused (--token): an empty token would let any request in" ] ||
  fail "--token '': $(cat err.txt)"
echo ok
