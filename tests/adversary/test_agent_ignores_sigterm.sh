#!/usr/bin/env bash
# A builder whose background child ignores SIGTERM and keeps the builder's stdout open: once the builder has
# exited, the child gets SIGTERM, then SIGKILL after the grace, and is gone before the verifier starts.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
sh -c "trap \"\" TERM; echo \$\$ > \"$HOSTILE_PIDS/stubborn.pid\"; while :; do sleep 1; done" &
for i in $(seq 1 200); do [ -s "$HOSTILE_PIDS/stubborn.pid" ] && break; sleep 0.01; done'
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped stubborn "after the cook"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
