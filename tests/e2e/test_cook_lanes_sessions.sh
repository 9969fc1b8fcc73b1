#!/usr/bin/env bash
# parallel.sessions (docs/lanes.md): three lanes build at once with the script agent, and each verifies through a
# `command` agent capped at one live session ({"command": 1}). The verifier marks itself live with a folder that
# only one can hold (mkdir): a second live session at once leaves an overlap file. With the cap none does, every
# story passes, and the lanes did run side by side (their builds overlap).
. "$(dirname "$0")/lib_cook.sh"
mkdir -p .simmer
printf '{"schemaVersion":1,"project":"demo","description":"e2e","stories":[%s,%s,%s]}\n' \
  "$(lane_story S-1 0 "S-1/**")" "$(lane_story S-2 0 "S-2/**")" "$(lane_story S-3 0 "S-3/**")" > .simmer/prd.json
marks="$PWD/.marks"
mkdir -p "$marks"
verify="mkdir '$marks/live' 2>/dev/null || touch '$marks/overlap'; sleep 1; rmdir '$marks/live' 2>/dev/null;"
verify="$verify exec '$SIMMER' agent-script --scenario '$PWD/scenario.json'"
builds="$PWD/.marks/builds"
cat > simmer.json <<JSON
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {"agent": "script", "scenario": "scenario.json"},
    "verifier": {"agent": "command", "command": ["sh", "-c", "$verify"]}
  },
  "gates": [],
  "parallel": {"lanes": 3, "sessions": {"command": 1}}
}
JSON
# Each build waits until all three builders have started: the three lanes are in flight at once.
build_action() {
  printf '{"role":"builder","story":"%s","actions":[{"run":"echo %s >> %s; until [ $(wc -l < %s) -ge 3 ]; do sleep 0.1; done"},{"write":"%s/f.txt","content":"x\\n"}]}' \
    "$1" "$1" "$builds" "$builds" "$1"
}
write_scenario "[$(build_action S-1),$(build_action S-2),$(build_action S-3)]"
printf '.marks/\n' > .git/info/exclude
commit_setup
out=$(timeout 120 "$SIMMER" cook 2>&1)
expect_eq "$?" "0" "cook exit code (output: $out)"
for id in S-1 S-2 S-3; do expect_eq "$(story_status $id)" "passed" "$id status"; done
[ ! -e "$marks/overlap" ] || fail "two verifier sessions of the capped command agent were live at once"
expect_eq "$(sort "$builds" | tr '\n' ' ')" "S-1 S-2 S-3 " "the three builds ran at once"
for id in S-1 S-2 S-3; do
  grep -q '"role":"verifier"' ".simmer/lanes/$id/events.jsonl" || fail "lane $id has no verifier session"
done
ls .simmer/lanes/.sessions/command-0.lock > /dev/null || fail "no slot file for the command agent"
[ ! -e .simmer/lanes/.sessions/command-1.lock ] || fail "a second slot exists for a cap of 1"
check_journal
echo ok
