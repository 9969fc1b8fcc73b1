#!/usr/bin/env bash
# A commit-msg hook rewrites the message (a prefix on the subject) and drops the Simmer trailers: its message is
# used, and the trailers are put back, since resuming after a crash finds a commit by them. A commit-msg hook that
# refuses fails the attempt like a gate, with its output.
. "$(dirname "$0")/lib_fault.sh"
write_prd "A-1:1:"
write_config
write_scenario '[{"role":"builder","story":"A-1","actions":[{"write":"src/a.txt","content":"a\n"}]}]'
commit_setup  # before the hooks exist: they are for simmer's commits
write_hook commit-msg <<'SH'
#!/bin/sh
if [ ! -e .git/refused-once ]; then
  : > .git/refused-once
  echo "commit-msg: subjects need a ticket" >&2
  exit 1
fi
sed -i -e '1s/^/[T-1] /' -e '/^Simmer-/d' "$1"
SH
expect_exit 0 "cook" "$SIMMER" cook
hook_gate=$(grep '"kind":"gate"' .simmer/events.jsonl | head -1)
case "$hook_gate" in
  *'"name":"commit-msg hook"'*'"outputTail":"commit-msg: subjects need a ticket'*'"passed":false'*) ;;
  *) fail "the refusal is not journaled as a failed gate: $hook_gate" ;;
esac
expect_eq "$(subjects)" "[T-1] A-1: Story A-1 (fix 1)
[T-1] A-1: Story A-1 (record passed)" "the hook's messages are used"
expect_trailers HEAD~2..HEAD
check_journal
