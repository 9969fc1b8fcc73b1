#!/usr/bin/env bash
# Every malformed PRD of the corpus: exit code 2, exactly the expected messages on stderr, nothing written.
. "$(dirname "$0")/lib.sh"
cd "$work" && git init -q
count=0
for md in "$SIMMER_SOURCE_DIR"/tests/fixtures/prd_md/bad/*.md; do
  name=$(basename "$md")
  cp "$md" "$name"
  set +e
  "$SIMMER" to-prd "$name" > stdout.txt 2> stderr.txt
  rc=$?
  set -e
  [ "$rc" = 2 ] || { echo "$name: exit $rc, expected 2"; exit 1; }
  diff -u "${md%.md}.expected" stderr.txt || { echo "$name: messages differ"; exit 1; }
  [ ! -s stdout.txt ] || { echo "$name: printed data"; exit 1; }
  [ ! -e .simmer ] || { echo "$name: wrote .simmer/"; exit 1; }
  count=$((count + 1))
done
[ "$count" -ge 22 ] || { echo "only $count cases"; exit 1; }
echo "ok: $count malformed PRDs"
