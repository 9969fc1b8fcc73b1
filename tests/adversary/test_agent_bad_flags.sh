#!/usr/bin/env bash
# A claude builder given a flag the CLI refuses (args: ["--bogus"]): it exits 1 without a result, which no retry
# fixes, so the run halts (exit 10) with the CLI's own message and what to do, and nothing is blocked. Played
# by a stand-in that answers like Claude Code's option parser; and by the real pinned CLI when it is installed.
. "$(dirname "$0")/lib.sh"
write_prd "S-1:0:" "S-2:1:S-1"
mkdir -p bin
cat > bin/claude <<'SH'
#!/bin/sh
for a in "$@"; do
  case "$a" in --bogus) echo "error: unknown option '--bogus'" >&2; exit 1 ;; esac
done
echo "stand-in claude: expected --bogus" >&2
exit 2
SH
chmod +x bin/claude
cat > simmer.json <<'JSON'
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {"agent": "claude", "args": ["--bogus"]},
    "verifier": {"agent": "script", "scenario": "scenario.json"}
  }
}
JSON
write_scenario '[]'
commit_setup
check_case() {
  expect_exit 10 "cook with a bad flag ($1)" "$SIMMER" cook
  grep -qF "halted (agent_cannot_start): the builder (claude) cannot start: claude exited with status 1 without a result: error: unknown option '--bogus'; fix simmer.json#/agents/builder" out.txt ||
    fail "$1: no halt line with the CLI's message: $(cat out.txt)"
  expect_eq "$(event_kinds | grep -c story_blocked)" "0" "$1: story_blocked events"
  expect_eq "$(story_status S-1)" "pending" "$1: S-1 status"
  expect_eq "$(story_status S-2)" "pending" "$1: S-2 status"
  expect_eq "$(subjects)" "" "$1: commits after the setup"
  check_journal
}
PATH="$T/bin:$PATH" check_case "stand-in"
real="$SIMMER_SOURCE_DIR/tools/agents/node_modules/.bin/claude"
if [ -x "$real" ] && "$real" --version > /dev/null 2>&1; then
  PATH="$(dirname "$real"):$PATH" HOME="$T/.git/home" check_case "the real claude"
else
  echo "note: the real claude is not installed in tools/agents; checked the stand-in only" >&2
fi
