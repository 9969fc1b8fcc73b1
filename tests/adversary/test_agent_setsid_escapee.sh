#!/usr/bin/env bash
# A builder whose child leaves the process group and the session (setsid) and lives on after the builder exits
# 0: simmer, a child subreaper, gets the re-parented escapee and stops it when the session ends.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
setsid sh -c "echo \$\$ > \"$HOSTILE_PIDS/escapee.pid\"; exec sleep 300" < /dev/null > /dev/null 2>&1 &
for i in $(seq 1 200); do [ -s "$HOSTILE_PIDS/escapee.pid" ] && break; sleep 0.01; done'
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped escapee "after the cook"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
