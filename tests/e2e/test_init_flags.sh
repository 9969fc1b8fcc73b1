#!/usr/bin/env bash
# init --yes in an existing npm project: gates come from package.json, the found claude CLI plays builder and
# verifier with the balanced preset (named in the summary), the harness orchestrates; simmer.json, .simmer/,
# .gitignore and the config schema are written and committed, and only they.
. "$(dirname "$0")/lib.sh"
mkdir "$work/shop"
fake_claude "$work/bin"
export PATH="$work/bin:/usr/bin:/bin"
cd "$work/shop" && git init -q
echo '{"name": "shop", "scripts": {"test": "node --test", "lint": "eslint .", "start": "node index.js"}}' > package.json

"$SIMMER" init --yes > out.txt 2> err.txt
expected='created    simmer.json
created    .gitignore
created    .simmer/
created    .simmer/inbox/
created    .simmer/prompts/
created    .simmer/simmer.schema.json
committed  simmer.json, .gitignore, .simmer/simmer.schema.json (SHA)
models     builder claude-sonnet-4-5, verifier claude-sonnet-4-5 (preset balanced)

Next steps:
  1. Write your PRD as markdown: simmer to-prd --example > PRD.md gives a template
  2. simmer to-prd PRD.md      # or: simmer import prd.json (marmite / Ralph)
  3. simmer doctor             # checks config, agents, git and gates
  4. simmer cook'
[ "$(sed -E 's/ \([0-9a-f]{7,}\)$/ (SHA)/' out.txt)" = "$expected" ] || { echo "unexpected output:"; cat out.txt; exit 1; }
[ ! -s err.txt ] || fail "stderr not a terminal, yet: $(cat err.txt)"
# What init wrote is committed, and only that: the user's package.json stays untracked, the tree is otherwise clean.
[ "$(git log --format=%s)" = "Set up simmer (simmer init)" ] || fail "commit: $(git log --format=%s)"
[ "$(git show --format= --name-only HEAD | sort | tr '\n' ' ')" = ".gitignore .simmer/simmer.schema.json simmer.json " ] ||
  fail "committed files: $(git show --format= --name-only HEAD)"
[ "$(git status --porcelain -- . ':!out.txt' ':!err.txt')" = "?? package.json" ] || fail "tree after init: $(git status --porcelain)"
# simmer.json reads top-down: $schema (a file an editor resolves, with the defaults), schemaVersion, project.
[ "$(head -4 simmer.json)" = '{
  "$schema": ".simmer/simmer.schema.json",
  "schemaVersion": 1,
  "project": "shop",' ] || fail "simmer.json starts: $(head -4 simmer.json)"
cmp -s .simmer/simmer.schema.json "$SIMMER_SOURCE_DIR/schemas/config.json" || fail "the schema file is not the config schema"
grep -q '"default": 1000' .simmer/simmer.schema.json || fail "the schema has no defaults"
python3 - <<'PY'
import json
got = json.load(open('simmer.json'))
want = {
    "$schema": ".simmer/simmer.schema.json",
    "schemaVersion": 1,
    "project": "shop",
    "app": ".",
    "workflow": "one-shot",
    "agents": {
        "orchestrator": {"agent": "harness"},
        "builder": {"agent": "claude", "model": "claude-sonnet-4-5"},
        "verifier": {"agent": "claude", "model": "claude-sonnet-4-5"},
    },
    "gates": [{"name": "test", "run": "npm test"}, {"name": "lint", "run": "npm run lint"}],
    "budget": {"perStory": 15.0, "total": 100.0},
}
assert got == want, got
PY
grep -qx '.simmer/events.jsonl' .gitignore
grep -qx '.simmer/sessions/' .gitignore
for f in state task build verdict; do grep -qx ".simmer/$f.json" .gitignore || fail "$f.json not ignored"; done
[ -d .simmer/inbox ] && [ -d .simmer/prompts ]

# A flag for every answer.
rm -rf simmer.json .simmer
"$SIMMER" init --yes --project Shop --app web --workflow epic-checkpoint --builder codex --verifier claude \
  --orchestrator claude --preset fast --gate 'build=make' --gate 'test=make check' --budget-story 2.5 \
  --budget-total 0 > /dev/null
python3 - <<'PY'
import json
got = json.load(open('simmer.json'))
assert got["project"] == "Shop" and got["app"] == "web" and got["workflow"] == "epic-checkpoint", got
assert got["agents"] == {
    "orchestrator": {"agent": "claude", "model": "claude-haiku-4-5"},
    "builder": {"agent": "codex", "model": "gpt-5-mini"},
    "verifier": {"agent": "claude", "model": "claude-haiku-4-5"},
}, got["agents"]
assert got["gates"] == [{"name": "build", "run": "make"}, {"name": "test", "run": "make check"}], got["gates"]
assert got["budget"] == {"perStory": 2.5, "total": 0.0}, got["budget"]
PY
echo "ok"
