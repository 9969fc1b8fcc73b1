#!/usr/bin/env bash
# A builder that prints 100 MB (70 MB as 1000-byte lines, then one 30 MB line) before doing its job: simmer's
# memory stays bounded, the transcript stops at its 64 MiB cap and says how much it left out, and the story
# passes.
. "$(dirname "$0")/agent_lib.sh"
setup_hostile '
head -c 70000000 /dev/zero | tr "\0" x | fold -w 999
head -c 30000000 /dev/zero | tr "\0" y
echo'
/usr/bin/time -f '%M' -o .git/rss.txt "$SIMMER" cook > out.txt 2>&1
expect_eq "$?" "0" "cook ($(head -c 2000 out.txt))"
rss_kib=$(tail -1 .git/rss.txt)
rss=$rss_kib
rss_bound 200000 "simmer, for 100 MB of agent output,"
transcript=$(ls .simmer/sessions/*/*-builder-0.jsonl)
size=$(stat -c %s "$transcript")
[ "$size" -le $((64 * 1024 * 1024 + 100)) ] || fail "the transcript is $size bytes, over its 64 MiB cap"
last=$(tail -1 "$transcript")
[[ "$last" =~ ^\{\"omittedBytes\":[0-9]+,\"type\":\"simmer.transcript_truncated\"\}$ ]] ||
  fail "the transcript does not end with its truncation marker: $(echo "$last" | head -c 200)"
expect_eq "$(story_status S-1)" "passed" "S-1 status"
echo "peak RSS ${rss_kib} KiB, transcript $size bytes"
