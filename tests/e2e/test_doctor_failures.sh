#!/usr/bin/env bash
# doctor reports each problem as a [fail]/[warn] line with what to do, and exits 1 on any fail.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
cd "$work"

# Nothing at all: no config, no .simmer/, not a repository.
set +e
NO_COLOR=1 "$SIMMER" doctor > out.txt
rc=$?
set -e
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; exit 1; }
grep -qx '\[fail\] config: simmer.json not found: run `simmer init`' out.txt
grep -qx '\[fail\] files: .simmer/ not found: run `simmer init`' out.txt
grep -qx '\[warn\] agent.builder: skipped (no usable simmer.json)' out.txt
grep -qx '\[fail\] git: not a git repository: simmer commits each story (run `git init`)' out.txt

# A configured project whose agent CLI, gate command and prompt override are broken, with a dirty tree.
git init -q -b main
"$SIMMER" init --yes --no-git-init --builder codex --verifier codex --gate 'test=no-such-tool --run' > /dev/null
printf 'Build the story. Be careful.\n' > .simmer/prompts/builder.md
printf 'x\n' > notes.txt
set +e
NO_COLOR=1 "$SIMMER" doctor > out.txt
rc=$?
set -e
[ "$rc" = 1 ] || { echo "exit $rc, expected 1"; exit 1; }
grep -qx '\[fail\] agent.builder: codex not found on PATH (npm install -g @openai/codex)' out.txt
grep -qx '\[fail\] gates: 1 of 1 gate command missing' out.txt
grep -qx '       gate "test": no-such-tool not found (runs: no-such-tool --run)' out.txt
grep -qx '\[fail\] prompts: a prompt override lost its hand-off instructions' out.txt
grep -qx '       .simmer/prompts/builder.md never mentions .simmer/build.json, the hand-off file the builder must write' out.txt
grep -Eqx '\[warn\] git: on branch main, [0-9]+ uncommitted changes \(simmer'"'"'s commits would include them\)' out.txt
grep -qx '\[warn\] files: no .simmer/prd.json yet: run `simmer to-prd PRD.md` or `simmer import FILE`' out.txt

# An invalid config is one fail with its problems as details.
printf '{"schemaVersion": 1, "retires": {}}\n' > simmer.json
set +e
NO_COLOR=1 "$SIMMER" doctor > out.txt
set -e
grep -qx '\[fail\] config: simmer.json is invalid (1 problem)' out.txt
grep -q '^       simmer.json#/retires: ' out.txt
"$SIMMER" doctor --json > d.json || true
python3 -c "import json; d=json.load(open('d.json')); assert d['summary']['fail'] >= 1"
echo "ok"
