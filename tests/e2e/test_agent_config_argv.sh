#!/usr/bin/env bash
# simmer.json reaches the agent the same way whichever command launches it: `cook`, `doctor --probe` and
# `to-prd --agent` run a stand-in `claude` that records its argv and environment. Each gets the configured model,
# the mcpServers (--mcp-config, --strict-mcp-config) and the args exactly once; cook prices the tokens the CLI
# reports with simmer.json's `pricing` (the stand-in reports no cost of its own).
. "$(dirname "$0")/lib_cook.sh"
mkdir -p bin seen
cat > bin/claude <<'SH'
#!/bin/sh
[ "$1" = --version ] && { echo "2.1.332 (Claude Code)"; exit 0; }
cat > /dev/null
n=$(ls "$SEEN" | wc -l)
{ for a in "$@"; do printf '%s\n' "$a"; done; } > "$SEEN/$n-${SIMMER_RUN_ID:+cook-}$SIMMER_ROLE.argv"
printf 'MY_VAR=%s\n' "${MY_VAR-unset}" > "$SEEN/$n-${SIMMER_RUN_ID:+cook-}$SIMMER_ROLE.env"
case "$SIMMER_HANDOFF" in
  *build.json) printf '{"schemaVersion":1,"storyId":"%s","attempt":%s,"summary":"built","filesChanged":[],"testsAdded":[],"patterns":[]}\n' "$SIMMER_STORY_ID" "$SIMMER_ATTEMPT" > "$SIMMER_HANDOFF" ;;
  *verdict.json) printf '{"schemaVersion":1,"storyId":"%s","attempt":%s,"verdict":"pass","summary":"ok","criteria":[{"criterion":"S-1 works","passed":true,"evidence":"ok"},{"criterion":"S-1 is tested","passed":true,"evidence":"ok"}]}\n' "$SIMMER_STORY_ID" "$SIMMER_ATTEMPT" > "$SIMMER_HANDOFF" ;;
  *to-prd.draft.json) printf '{"schemaVersion":1,"project":"demo","description":"d","stories":[{"id":"US-1","title":"T","description":"","acceptanceCriteria":["works"],"priority":1,"dependencies":[],"epic":"","notes":"","status":"pending"}]}\n' > "$SIMMER_HANDOFF" ;;
esac
echo '{"type":"system","subtype":"init","session_id":"s1","model":"my-model"}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"ready","session_id":"s1","num_turns":1,"usage":{"input_tokens":1000,"output_tokens":100,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}}'
SH
chmod +x bin/claude
export PATH="$T/bin:$PATH" SEEN="$T/seen"
write_prd "S-1:0:"
role='"agent": "claude", "model": "my-model", "args": ["--fallback-model", "haiku"], "env": {"MY_VAR": "from-config"}'
cat > simmer.json <<JSON
{
  "schemaVersion": 1,
  "project": "demo",
  "agents": {
    "orchestrator": {"agent": "harness"},
    "builder": {$role},
    "verifier": {$role}
  },
  "mcpServers": {"docs": {"command": "docs-mcp", "args": ["--stdio"]}},
  "pricing": {"my-model": {"input": 2, "output": 10}}
}
JSON
printf 'bin/\nseen/\n' >> .gitignore
commit_setup

mcp='--mcp-config={"mcpServers":{"docs":{"args":["--stdio"],"command":"docs-mcp","env":{},"type":"stdio"}}}'
lean_tools() { # lean_tools ROLE: simmer's default --tools for that role (issue 14)
  case "$1" in
    verifier) echo --tools=Bash,Read,Write,Glob,Grep ;;
    *) echo --tools=Bash,Read,Edit,Write,Glob,Grep ;;
  esac
}
expected() { # expected ROLE [MAX_TURNS]
  printf '%s\n' -p --output-format stream-json --verbose --model my-model
  [ -z "${2:-}" ] || printf '%s\n' --max-turns "$2"
  printf '%s\n' --permission-mode bypassPermissions "$(lean_tools "$1")" --exclude-dynamic-system-prompt-sections
  printf '%s\n' "$mcp" --strict-mcp-config --fallback-model haiku
}

"$SIMMER" cook > out.txt 2>&1 || fail "cook: $(cat out.txt)"
NO_COLOR=1 "$SIMMER" doctor --probe > out-doctor.txt 2>&1
for r in builder verifier; do
  grep -q "^\[ok\]   agent.$r: claude.*the probe call answered \"ready\"" out-doctor.txt ||
    fail "doctor --probe did not probe the $r: $(cat out-doctor.txt)"
done
printf 'A shop.\n' > out-notes.txt
"$SIMMER" to-prd --agent --force out-notes.txt > out-to-prd.txt 2>&1 || fail "to-prd --agent: $(cat out-to-prd.txt)"

count=0
for f in seen/*.argv; do
  count=$((count + 1))
  case "$f" in
    *verifier.argv) role=verifier ;;
    *) role=builder ;;
  esac
  case "$f" in
    *-cook-*) want=$(expected "$role") ;;
    *) if grep -q -- '--max-turns' "$f"; then want=$(expected "$role" 1); else want=$(expected "$role"); fi ;;
  esac
  expect_eq "$(cat "$f")" "$want" "argv of $f"
  expect_eq "$(cat "${f%.argv}.env")" "MY_VAR=from-config" "environment of $f"
done
# cook: builder and verifier; doctor --probe: both roles, each with --max-turns 1; to-prd --agent: the builder.
expect_eq "$(ls seen/*.argv | sed 's|.*/[0-9]*-||' | sort | tr '\n' ' ')" \
  "builder.argv builder.argv cook-builder.argv cook-verifier.argv verifier.argv " "launches seen"
expect_eq "$(grep -l -- '--max-turns' seen/*.argv | wc -l)" "2" "doctor's one-turn probes"
# The tokens the CLI reported, priced by simmer.json: 1000 x $2 + 100 x $10 per million = $0.003 a session.
costs=$(grep '"kind":"session"' .simmer/events.jsonl | sed 's/.*"costUsd":\([0-9.e-]*\).*/\1/' | tr '\n' ' ')
expect_eq "$costs" "0.003 0.003 " "session costs priced by simmer.json's pricing"
