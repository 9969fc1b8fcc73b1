#!/usr/bin/env bash
# doctor on a freshly initialised, committed project: one [ok] line per check, the summary, exit 0; --json agrees.
. "$(dirname "$0")/lib.sh"
mkdir "$work/shop"
fake_claude "$work/bin"
export PATH="$work/bin:/usr/bin:/bin"
cd "$work/shop" && git init -q -b main
"$SIMMER" init --yes --gate 'test=true' > /dev/null
cp "$SIMMER_SOURCE_DIR/tests/fixtures/prd_md/good/marmite-style.md" PRD.md
"$SIMMER" to-prd PRD.md > /dev/null
git add -A && git -c user.email=t@example.com -c user.name=t commit -qm init

NO_COLOR=1 "$SIMMER" doctor > ../out.txt
expected='[ok]   config: simmer.json is valid
[ok]   files: 1 file valid: prd.json
[ok]   prompts: no prompt overrides: the built-in prompts are used
[ok]   agent.orchestrator: harness (no agent: simmer picks the next story)
[ok]   agent.builder: claude 2.1.0 (Claude Code), model claude-sonnet-4-5, tools Bash,Read,Edit,Write,Glob,Grep (lean default)
[ok]   agent.verifier: claude 2.1.0 (Claude Code), model claude-sonnet-4-5, tools Bash,Read,Write,Glob,Grep (lean default)
[ok]   git: on branch main, clean
[ok]   gates: every gate command found: test
[ok]   lock: free
[ok]   gitignore: .gitignore keeps simmer'"'"'s run data out of git'
# The disk line depends on the machine: only its shape is checked.
diff <(head -10 ../out.txt) <(printf '%s\n' "$expected")
sed -n 11p ../out.txt | grep -Eq '^\[(ok|warn)\] +disk: [0-9.]+ (GiB|MiB) free'
tail -1 ../out.txt | grep -Eq '^1[01] ok, [01] warn, 0 fail$'

"$SIMMER" doctor --json > ../doctor.json
python3 - <<'PY'
import json
d = json.load(open("../doctor.json"))
names = [c["name"] for c in d["checks"]]
assert names == ["config", "files", "prompts", "agent.orchestrator", "agent.builder", "agent.verifier", "git",
                 "gates", "lock", "gitignore", "disk"], names
assert d["summary"]["fail"] == 0
PY
echo "ok"
