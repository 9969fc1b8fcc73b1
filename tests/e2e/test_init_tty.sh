#!/usr/bin/env bash
# The wizard through a real pseudo-terminal (tmux): numbered choices, Enter takes the default, typed answers win.
. "$(dirname "$0")/lib.sh"
command -v tmux > /dev/null || { echo "tmux not installed"; exit 77; }
sock="simmer-init-tty-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/shop"
fake_claude "$work/bin"
cd "$work/shop" && git init -q
echo '{"name": "shop", "scripts": {"test": "node --test"}}' > package.json

tmux -L "$sock" new-session -d -x 160 -y 60 -s wizard \
  "cd '$work/shop' && PATH='$work/bin:/usr/bin:/bin' '$SIMMER' init; echo \"EXIT=\$?\"; sleep 600"

screen() { tmux -L "$sock" capture-pane -p -t wizard -S -200; }
# Waits (bounded) until the screen shows `$1`, then types the keys that follow.
answer() {
  local want=$1
  shift
  for _ in $(seq 1 200); do
    if screen | grep -qF -- "$want"; then
      tmux -L "$sock" send-keys -t wizard "$@"
      return 0
    fi
    sleep 0.1
  done
  echo "never saw: $want"
  screen
  exit 1
}

answer 'Project name [shop]:' Enter
answer 'App folder (where the code lives, relative to here) [.]:' Enter
answer '2) epic-checkpoint: stop after each epic for your review' '2' Enter
answer '1) claude (2.1.0 (Claude Code))  (default)' Enter
answer 'Verifier agent (judges every acceptance criterion)' Enter
answer '1) harness (no agent: simmer picks the next story itself)  (default)' Enter
answer '3) fast: small models everywhere (cheapest, for simple stories) (builder claude-haiku-4-5, verifier claude-haiku-4-5)' 'thor' Enter
answer '  test: npm test   (from package.json)' ''
answer 'Use these gates? [Y/n]:' Enter
answer 'Add a gate as name=command (Enter when done):' 'smoke=true' Enter
for _ in $(seq 1 100); do [ "$(screen | grep -cF 'Add a gate as name=command')" -ge 2 ] && break; sleep 0.1; done
tmux -L "$sock" send-keys -t wizard Enter
answer 'Budget per story in USD (0 = no limit) [15]:' '2.5' Enter
answer 'Total budget in USD (0 = no limit) [100]:' Enter
answer 'Commit simmer.json, .gitignore, .simmer/simmer.schema.json (only these) once written' Enter
answer 'EXIT=0' ''
screen | grep -qx 'created    simmer.json'
# On a terminal it says what it does while the agent CLIs answer --version (seconds of silence otherwise).
screen | grep -qx 'simmer init: looking for agent CLIs (claude, codex, gemini)...' || { screen; exit 1; }
screen | grep -q '^committed  simmer.json, .gitignore, .simmer/simmer.schema.json ([0-9a-f]*)$' || { screen; exit 1; }
screen | grep -qx 'models     builder claude-opus-4-5, verifier claude-opus-4-5 (preset thorough)' || { screen; exit 1; }

python3 - <<'PY'
import json
c = json.load(open('simmer.json'))
assert c["workflow"] == "epic-checkpoint", c
assert c["agents"]["builder"] == {"agent": "claude", "model": "claude-opus-4-5"}, c["agents"]
assert c["agents"]["orchestrator"] == {"agent": "harness"}, c["agents"]
assert c["gates"] == [{"name": "test", "run": "npm test"}, {"name": "smoke", "run": "true"}], c["gates"]
assert c["budget"] == {"perStory": 2.5, "total": 100.0}, c["budget"]
PY
echo "ok"
