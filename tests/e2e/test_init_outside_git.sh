#!/usr/bin/env bash
# Outside a git repository init offers `git init`: --yes takes it, --no-git-init declines it; an existing
# .gitignore only gains the missing lines.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
mkdir "$work/a" "$work/b"
cd "$work/a"
printf 'node_modules/\n' > .gitignore
"$SIMMER" init --yes --no-gates > out.txt
head -1 out.txt | grep -qx 'initialized a git repository'
git rev-parse --is-inside-work-tree > /dev/null
grep -qx 'updated    .gitignore' out.txt
head -1 .gitignore | grep -qx 'node_modules/'
grep -qx '.simmer/events.jsonl' .gitignore

cd "$work/b"
"$SIMMER" init --yes --no-git-init --no-gates > out.txt
! grep -q 'initialized a git repository' out.txt
[ ! -d .git ]
[ -f simmer.json ]
echo "ok"
