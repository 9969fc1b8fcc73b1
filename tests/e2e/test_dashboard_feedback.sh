#!/usr/bin/env bash
# The feedback box drops a note atomically into .simmer/inbox/ (one file per note, no temp left behind).
source "$(dirname "$0")/test_dashboard_lib.bash"
make_project
start_dashboard

got=$(http -X POST -H 'Content-Type: application/json' --data '{"text":"Do US-3 next, please."}' "${url}api/feedback")
file=$(echo "${got#* }" | jq -r .file)
[ "${got%% *}" = 201 ] || fail "feedback: $got"
[[ "$file" =~ ^\.simmer/inbox/[0-9]{8}T[0-9]{9}Z-[0-9a-f]{8}\.md$ ]] || fail "file name: $file"
[ "$(cat "$file")" = "Do US-3 next, please." ] || fail "content: $(cat "$file")"
[ "$(ls .simmer/inbox | wc -l)" = 1 ] || fail "inbox holds: $(ls -a .simmer/inbox)"
got=$(http -X POST -H 'Content-Type: application/json' --data '{"text":"  \n"}' "${url}api/feedback")
[ "$got" = '400 {"error":"feedback is empty"}' ] || fail "empty note: $got"
got=$(http -X POST -H 'Content-Type: application/json' --data '{"note":"x"}' "${url}api/feedback")
[ "$got" = '400 {"error":"feedback must be a JSON object with a string \"text\""}' ] || fail "no text: $got"
[ "$(ls .simmer/inbox | wc -l)" = 1 ] || fail "a refused note was written"
echo ok
