#!/usr/bin/env bash
# init leaves a project that cooks (issue 13 item 3): in a CMake project with no git identity of its own, `init
# --yes` names the project from CMakeLists.txt, proposes the cmake gates, ignores their build/ folder, and commits
# what it wrote; the first `simmer cook` then starts from a clean tree, its gate builds into build/, and the tree
# is as clean after the cook as before it. Answering no to the commit question leaves the files uncommitted and
# says so.
. "$(dirname "$0")/lib.sh"
command -v cmake > /dev/null || { echo "SKIPPED: cmake is not installed"; exit 77; }
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 # no identity anywhere: init falls back to its own
mkdir -p "$HOME" "$work/calc"
cd "$work/calc" && git init -q
printf 'cmake_minimum_required(VERSION 3.20)\nproject(calc NONE)\nenable_testing()\n' > CMakeLists.txt
"$SIMMER" init --yes --builder script --verifier script --scenario .simmer/scenario.json > "$work/out.txt" 2>&1 ||
  fail "init: $(cat "$work/out.txt")"
grep -q '"project": "calc"' simmer.json || fail "project name: $(grep project simmer.json)"
grep -qx 'build/' .gitignore || fail "build/ not ignored: $(cat .gitignore)"
grep -q '^committed  simmer.json, .gitignore, .simmer/simmer.schema.json ([0-9a-f]*)$' "$work/out.txt" ||
  fail "$(cat "$work/out.txt")"
[ "$(git log --format='%an <%ae>')" = "simmer <simmer@localhost>" ] || fail "author: $(git log --format='%an <%ae>')"
[ "$(git status --porcelain)" = "?? CMakeLists.txt" ] || fail "tree after init: $(git status --porcelain)"
git add CMakeLists.txt && git -c user.name=t -c user.email=t@t commit -qm "the project"

# A story for the script agent; prd.json and the scenario live in .simmer/, which the clean-tree check leaves out.
cat > .simmer/prd.json <<'JSON'
{"schemaVersion":1,"project":"calc","description":"e2e","stories":[{"id":"S-1","title":"Add","description":"Add it.",
 "acceptanceCriteria":["adds"],"priority":1,"dependencies":[],"epic":"","notes":"","status":"pending"}]}
JSON
printf '{"schemaVersion":1,"defaults":{"costUsd":0.01},"steps":[{"role":"builder","story":"S-1","actions":[{"write":"add.txt","content":"1+1\\n"}]}]}\n' \
  > .simmer/scenario.json
out=$(GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t "$SIMMER" cook 2>&1) ||
  fail "the first cook after init: $out"
[ -f build/CMakeCache.txt ] || fail "the cmake gate did not run: $out"
git log --format= --name-only | grep -q '^build/' && fail "build/ was committed"
[ "$(git status --porcelain -- . ':(exclude).simmer')" = "" ] || fail "tree after cook: $(git status --porcelain)"

# In a folder of a larger repository (a monorepo): the same three files, under that folder, and only them.
mkdir -p "$work/mono/svc" && cd "$work/mono" && git init -q && echo 'other' > other.txt && cd svc
"$SIMMER" init --yes --builder script --verifier script --scenario s.json > "$work/out.txt" 2>&1 ||
  fail "init in svc/: $(cat "$work/out.txt")"
[ "$(git -C "$work/mono" show --format= --name-only HEAD | sort | tr '\n' ' ')" = \
  "svc/.gitignore svc/.simmer/simmer.schema.json svc/simmer.json " ] ||
  fail "committed in svc/: $(git -C "$work/mono" show --format= --name-only HEAD)"
[ "$(git -C "$work/mono" status --porcelain)" = "?? other.txt" ] || fail "monorepo: $(git -C "$work/mono" status --porcelain)"
# Run again with nothing to change: nothing to commit, nothing said about it.
"$SIMMER" init --yes > "$work/out.txt" 2>&1 || fail "init again in svc/: $(cat "$work/out.txt")"
grep -q 'commit' "$work/out.txt" && fail "a second init speaks of a commit: $(cat "$work/out.txt")"
[ "$(git -C "$work/mono" log --oneline | wc -l)" = 1 ] || fail "a second init committed"

# Saying no to the commit: nothing is committed, and init says what to do.
mkdir "$work/no" && cd "$work/no" && git init -q
"$SIMMER" init --yes --no-commit --builder script --verifier script --scenario s.json > "$work/out.txt" 2> /dev/null ||
  fail "init --no-commit"
[ -z "$(git log --oneline 2> /dev/null)" ] || fail "--no-commit committed"
grep -q '^note: simmer.json, .gitignore, .simmer/simmer.schema.json not committed; commit them before `simmer cook`' \
  "$work/out.txt" || fail "no note: $(cat "$work/out.txt")"
echo ok
