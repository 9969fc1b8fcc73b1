#!/usr/bin/env bash
# A pre-commit hook that hangs is killed after git.hookTimeout, with whatever it started in its process group,
# and the attempt fails like a timed-out gate; the next attempt commits.
. "$(dirname "$0")/lib_fault.sh"
write_prd "A-1:1:"
write_config '[]' '"git": {"hookTimeout": 1}'
write_scenario '[{"role":"builder","story":"A-1","actions":[{"write":"src/a.txt","content":"a\n"}]}]'
commit_setup  # before the hooks exist: they are for simmer's commits
write_hook pre-commit <<'SH'
#!/bin/sh
if [ ! -e .git/hung-once ]; then
  : > .git/hung-once
  sleep 300 &
  echo $! > .git/sleeper.pid
  wait
fi
SH
expect_exit 0 "cook" "$SIMMER" cook
hook_gate=$(grep '"kind":"gate"' .simmer/events.jsonl | head -1)
case "$hook_gate" in
  *'"name":"pre-commit hook"'*'"passed":false'*'"timedOut":true'*) ;;
  *) fail "the hang is not journaled as a timed-out gate: $hook_gate" ;;
esac
# A zombie waiting for a reaper that is not simmer's (pid 1 here) is dead already: only a running one counts.
state=$(ps -o stat= -p "$(cat .git/sleeper.pid)" 2>/dev/null)
case "$state" in "" | Z*) ;; *) fail "the hook's child survived the timeout (state $state)" ;; esac
expect_eq "$(subjects)" "A-1: Story A-1 (fix 1)
A-1: Story A-1 (record passed)" "the next attempt commits"
check_journal
