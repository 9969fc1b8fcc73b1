#!/usr/bin/env bash
# The README's first command: install, build, and cook the offline demo (examples/todo with the script agent:
# no model, no network) in a fresh git repository under build/demo/todo, then show what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
simmer=$PWD/build/simmer
demo=$PWD/build/demo/todo

"$simmer" --version
echo
echo "== a fresh copy of examples/todo in $demo =="
rm -rf "$demo"
mkdir -p "$(dirname "$demo")"
cp -r examples/todo "$demo"
cd "$demo"
git init -q .
git -c user.name=demo -c user.email=demo@localhost add -A
git -c user.name=demo -c user.email=demo@localhost commit -qm "todo: the demo project before simmer"
"$simmer" validate

echo
echo "== simmer cook =="
"$simmer" cook

echo
echo "== simmer status =="
"$simmer" status
echo
echo "== simmer stats =="
"$simmer" stats
echo
echo "== simmer replay --check =="
"$simmer" replay --check
echo
echo "== git log --oneline (one commit per build/fix, one per record) =="
git log --oneline
echo
echo "The cooked project is in $demo: try 'make test', '$simmer dashboard', or edit and cook again."
