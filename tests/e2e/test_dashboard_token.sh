#!/usr/bin/env bash
# A dashboard on a non-loopback host generates a token, prints it in its URL, and refuses requests without it.
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

set +e
"$SIMMER" dashboard --host 0.0.0.0 --port 0 --token "" > /dev/null 2> err.txt &
pid=$!
set -e
for _ in $(seq 50); do grep -q serving err.txt && break; sleep 0.1; done
kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null || true
grep -Eq 'token=[0-9a-f]{32}' err.txt || fail "an empty --token must not disable the token: $(cat err.txt)"
echo ok
