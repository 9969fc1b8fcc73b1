#!/usr/bin/env bash
# A builder that leaves background processes in its own process group (one holding its stdout, one not) and
# exits 0: both are stopped when its session ends, before the verifier starts, and the story passes.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
sleep 300 >/dev/null 2>&1 &
echo $! > "$HOSTILE_PIDS/detached-output.pid"
sleep 301 &
echo $! > "$HOSTILE_PIDS/holds-stdout.pid"'
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped detached-output "after the cook"
expect_stopped holds-stdout "after the cook"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
