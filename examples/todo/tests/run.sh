#!/bin/sh
# Runs every tests/t_*.sh against ./todo, each in a scratch directory; prints ok/FAIL per test and fails if any
# failed.
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for t in "$here"/tests/t_*.sh; do
  [ -e "$t" ] || continue
  dir=$(mktemp -d)
  if (cd "$dir" && TODO="$here/todo" sh "$t"); then
    echo "ok   $(basename "$t")"
  else
    echo "FAIL $(basename "$t")"
    status=1
  fi
  rm -rf "$dir"
done
exit $status
