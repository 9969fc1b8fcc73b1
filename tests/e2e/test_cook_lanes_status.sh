#!/usr/bin/env bash
# Seeing lanes (docs/lanes.md, "Seeing it"): while a cook runs three lanes, `simmer status` (text and --json) shows
# each lane in flight with its own phase and attempt, elapsed time, spend and branch, the merge queue with what an
# entry waits for (S-A strayed into S-B's b/**), and, once S-C is blocked, the lane branch kept for it.
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s,%s]}\n' \
  "$(lane_story S-A 0 'a/**')" "$(lane_story S-B 1 'b/**')" "$(lane_story S-C 2 'c/**')" > .simmer/prd.json
write_config '[]' '"parallel": {"lanes": 3}'
release="$T/release"
write_scenario "[{\"role\":\"builder\",\"story\":\"S-A\",\"actions\":[{\"write\":\"a/one.txt\",\"content\":\"a\\n\"},
                                                         {\"write\":\"b/from-a.txt\",\"content\":\"a\\n\"}]},
                 {\"role\":\"builder\",\"story\":\"S-B\",\"actions\":[{\"run\":\"until [ -f $release ]; do sleep 0.1; done\"},
                                                         {\"write\":\"b/two.txt\",\"content\":\"b\\n\"}]},
                 {\"role\":\"builder\",\"story\":\"S-C\",\"actions\":[{\"write\":\"c/three.txt\",\"content\":\"c\\n\"}]},
                 {\"role\":\"verifier\",\"story\":\"S-C\",\"handoff\":{\"verdict\":\"fail_abort\",\"summary\":\"not doable\"}}]"
commit_setup
cook_in_background
wait_for_event lane_finished '"storyId":"S-A"'
wait_for_event story_blocked '"storyId":"S-C"'
# state.json follows the journal: wait until it has S-C blocked too (and S-A queued).
for _ in $(seq 600); do
  json=$("$SIMMER" status --json)
  jq -e '(.stories[] | select(.id == "S-C") | .status == "blocked") and
    ([.lanes.rows[] | select(.storyId == "S-A" and .status == "queued")] | length == 1)' <<<"$json" > /dev/null && break
  sleep 0.1
done
expect_eq "$(jq -r '.lanes.lanes' <<<"$json")" "3" "lane count"
expect_eq "$(jq -r '[.lanes.rows[].storyId] | join(" ")' <<<"$json")" "S-A S-B" "lanes in flight"
expect_eq "$(jq -r '.lanes.rows[0] | [.status, .result, .waitsFor.lane, .waitsFor.path, .waitsFor.pattern] | join(" ")' \
  <<<"$json")" "queued passed S-B b/from-a.txt b/**" "S-A waits for S-B"
expect_eq "$(jq -r '.lanes.rows[1] | [.status, .phase, .attempt] | join(" ")' <<<"$json")" "running build 0" \
  "S-B builds (its lane's own phase)"
expect_eq "$(jq -r '.lanes.rows[0].costUsd' <<<"$json")" "0.02" "S-A's spend"
expect_eq "$(jq -r '.lanes.mergeQueue | join(" ")' <<<"$json")" "S-A" "merge queue"
expect_eq "$(jq -r '.lanes.next' <<<"$json")" "null" "nothing merges while S-A waits"
jq -e '.lanes.rows[1].elapsedMs >= 0 and (.lanes.rows[1].branch | startswith("simmer/"))' <<<"$json" > /dev/null ||
  fail "S-B's elapsed time or branch: $json"
expect_eq "$(jq -r '.stories[] | select(.id == "S-C") | .branch | startswith("simmer/")' <<<"$json")" "true" \
  "S-C's kept branch in the JSON"
text=$("$SIMMER" status)
for want in "lanes: 2 of 3 busy" "merge queue: S-A" \
  "S-A waits for S-B to merge first: its diff touched b/from-a.txt, which S-B may write (b/**)" \
  "S-C is blocked; its lane is kept for you to look at: branch simmer/"; do
  grep -qF -- "$want" <<<"$text" || fail "status lacks \"$want\": $text"
done
grep -E '^  S-B +running +build, attempt 0 ' <<<"$text" > /dev/null || fail "no S-B lane line: $text"
# The dashboard's /api/lanes says the same (elapsed times aside).
dash_err=$T/.git/dash.err  # out of the work tree
"$SIMMER" dashboard --port 0 2> "$dash_err" &
COOK_PIDS="$COOK_PIDS $!"
for _ in $(seq 100); do grep -q serving "$dash_err" && break; sleep 0.1; done
url=$(sed -nE 's|.* at (http://[^/ ]+/).*|\1|p' "$dash_err")
[ -n "$url" ] || fail "the dashboard did not start: $(cat "$dash_err")"
api=$(curl -sf "${url}api/lanes") || fail "GET /api/lanes failed"
strip='del(.rows[].elapsedMs)'
expect_eq "$(jq -c ".lanes | $strip" <<<"$api")" "$(jq -c ".lanes | $strip" <<<"$json")" "/api/lanes = status --json"
touch "$release"
wait "$cook"
expect_eq "$?" "11" "cook exit code, one story blocked ($(cat out.txt))"
expect_eq "$(story_status S-A) $(story_status S-B)" "passed passed" "S-A and S-B"
"$SIMMER" status --json | jq -e '.lanes.rows == [] and .lanes.mergeQueue == []' > /dev/null ||
  fail "lanes left in flight after the run: $("$SIMMER" status --json)"
echo ok
