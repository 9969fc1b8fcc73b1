#!/usr/bin/env bash
# The dashboard's read-only JSON API and its page, over HTTP on loopback.
source "$(dirname "$0")/test_dashboard_lib.bash"
make_project
start_dashboard

[ "$(cat "$work/dash.err" | head -1)" = "simmer dashboard: serving ${work##*/} at ${url} (Ctrl-C to stop)" ] ||
  fail "startup line: $(head -1 "$work/dash.err")"

curl -sf "$url" -o page.html || fail "page not served"
grep -q '<title>simmer dashboard</title>' page.html || fail "page has no title"
grep -Eiq '<script[^>]+src=|<link[^>]+href=|https?://' page.html && fail "page loads something external"

state=$(curl -sf "${url}api/state") || fail "/api/state"
[ "$(jq -c '[.project, .run.runId, .run.status, .run.lastSeq, .run.totals.passed, .run.totals.blocked, .budget.totalUsd]' <<< "$state")" = \
  '["calc","r2","blocked",19,1,1,5]' ] || fail "/api/state: $state"
[ "$(jq -c '.run.spend | length' <<< "$state")" = 4 ] || fail "spend series: $state"

stories=$(curl -sf "${url}api/stories") || fail "/api/stories"
[ "$(jq -c '[.stories[] | [.id, .epic, .status, .attempts]]' <<< "$stories")" = \
  '[["US-1","core","passed",2],["US-2","core","blocked",0],["US-3","ui","pending",0]]' ] || fail "/api/stories: $stories"
[ "$(jq -c '.stories[1].blockedReason' <<< "$stories")" = '"dependency US-9 is blocked"' ] || fail "blocked reason"

one=$(curl -sf "${url}api/stories/US-1") || fail "/api/stories/US-1"
[ "$(jq -c '.criteria' <<< "$one")" = '[{"criterion":"adds","passed":true},{"criterion":"handles negatives","passed":null}]' ] ||
  fail "criteria: $(jq -c .criteria <<< "$one")"
[ "$(jq -c '[.journal.verdicts[0].summary, (.journal.gates | map(.name)), (.journal.sessions | length)]' <<< "$one")" = \
  '["all criteria met",["test"],4]' ] || fail "story detail: $one"
# Every gate run, not only the last: the failed one of the BUILD, then the FIX's.
[ "$(jq -c '[.journal.gateRuns[] | [.name, .attempt, .passed, .exitCode]]' <<< "$one")" = '[["test",0,false,1],["test",1,true,0]]' ] ||
  fail "gate runs: $(jq -c .journal.gateRuns <<< "$one")"

[ "$(http "${url}api/stories/US-404")" = '404 {"error":"no story \"US-404\" in prd.json or the journal"}' ] ||
  fail "unknown story: $(http "${url}api/stories/US-404")"
[ "$(http "${url}nope")" = '404 {"error":"no such page or API route"}' ] || fail "unknown route"

events=$(curl -sf "${url}api/events?after=17") || fail "/api/events"
[ "$(jq -c '[[.events[].seq], .lastSeq, .more]' <<< "$events")" = '[[18,19],19,false]' ] || fail "/api/events: $events"
events=$(curl -sf "${url}api/events?after=0&limit=5")
[ "$(jq -c '[[.events[].seq], .more]' <<< "$events")" = '[[1,2,3,4,5],true]' ] || fail "/api/events limit: $events"
echo ok
