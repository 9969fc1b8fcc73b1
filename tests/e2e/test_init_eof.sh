#!/usr/bin/env bash
# Input that ends before the wizard finished writes nothing and says how to skip the questions.
. "$(dirname "$0")/lib.sh"
export PATH="/usr/bin:/bin"
cd "$work" && git init -q
set +e
printf 'myproject\n' | "$SIMMER" init > out.txt 2> err.txt
rc=$?
set -e
[ "$rc" = 64 ] || { echo "exit $rc, expected 64"; exit 1; }
tail -1 err.txt | grep -qx 'simmer: error: input ended before the wizard finished; nothing was written (use --yes to take every default)'
[ ! -e simmer.json ] && [ ! -e .simmer ] && [ ! -e .gitignore ]
echo "ok"
