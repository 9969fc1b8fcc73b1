#!/usr/bin/env bash
# A builder that daemonizes a child the classic way (fork, setsid, fork again, the middle process exits), the
# daemon ignoring SIGTERM: it is re-parented to simmer, which stops it (SIGKILL after the grace) when the
# session ends.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
( setsid sh -c "trap \"\" TERM; sh -c \"echo \\\$\\\$ > \\\"$HOSTILE_PIDS/daemon.pid\\\"; exec sleep 300\" &" < /dev/null > /dev/null 2>&1 & )
for i in $(seq 1 200); do [ -s "$HOSTILE_PIDS/daemon.pid" ] && break; sleep 0.01; done'
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped daemon "after the cook"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
