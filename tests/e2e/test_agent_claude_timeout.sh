#!/usr/bin/env bash
# A real Claude Code session whose model never answers hits simmer's wall-clock timeout: the outcome is timeout
# and no process of the agent's group (claude and anything it started) survives.
source "$(dirname "$0")/lib_agent.sh"
require_cli claude

cat > "$work/scenario.json" <<JSON
{"conversations":[{"marker":"[[scenario:hang]]","turns":[{"hang":true}]}]}
JSON
start_server "$work/scenario.json"
echo "[[scenario:hang]] do something" > "$work/prompt.md"
tag="simmer-e2e-$$-$RANDOM"
run_driver "$work/r.json" --agent claude --prompt-file "$work/prompt.md" --timeout 4 $(claude_env) --env SIMMER_E2E_TAG="$tag"

[ "$(field "$work/r.json" .outcome)" = timeout ] || fail "outcome: $(cat "$work/r.json")"
[ "$(field "$work/r.json" .error)" = "timed out after 4 s (timeout); the agent's process group was killed" ] || \
  fail "error: $(field "$work/r.json" .error)"
# Every descendant inherited SIMMER_E2E_TAG: none may be left.
survivors=$(grep -l "SIMMER_E2E_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null || true)
[ -z "$survivors" ] || fail "processes survived the timeout: $survivors"
echo "ok: timeout killed the whole claude process group"
