#!/usr/bin/env bash
# A builder that closes its stdout and stderr and keeps running, silent: the idle timeout ends its session (the
# closed pipes are no reason to stop waiting, and no reason to wait forever), its process is gone before the
# next session, and the fix attempt passes.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
exec > /dev/null 2>&1
echo $$ > "$HOSTILE_PIDS/silent.pid"
exec sleep 300' '"retries": {"fix": 1}'
sed -i 's|"command": \["sh", "agent.sh"\]|"command": ["sh", "agent.sh"], "idleTimeout": 1|' simmer.json
git commit -qam "idle timeout 1 s"
expect_exit 0 "cook" "$SIMMER" cook
expect_none_at_verify
expect_stopped silent "after the cook"
grep '"kind":"session"' .simmer/events.jsonl | grep '"role":"builder"' | grep '"attempt":0' |
  grep -qF '"error":"no output for 1 s (idleTimeout); the agent'"'"'s process group was killed"' ||
  fail "the silent session did not end on the idle timeout: $(grep '"kind":"session"' .simmer/events.jsonl)"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
check_journal
