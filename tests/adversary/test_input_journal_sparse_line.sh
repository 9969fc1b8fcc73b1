#!/usr/bin/env bash
# A gigabyte of NUL bytes inside the journal (a sparse hole, as a crash on a file system that extends the size
# before the data lands can leave), followed by more lines: the readers refuse it or count it without holding it in
# memory. `cook` says the journal is damaged at that line (exit 4) and `stats` counts one malformed line, each in
# less than 512 MiB of memory (both used to read the whole gigabyte into one string); as a torn last line, `stats`
# finds the latest run before it the same way.
. "$(dirname "$0")/lib_input.sh"
cook_one_story
run=$(head -n 1 .simmer/events.jsonl | jq -r .runId)
head -n 2 .simmer/events.jsonl > part1
tail -n +3 .simmer/events.jsonl > part2
cat part1 > .simmer/events.jsonl
truncate -s +1G .simmer/events.jsonl
{ printf '\n'; cat part2; } >> .simmer/events.jsonl
rm part1 part2
before=$(snapshot)

# peak_rss_kib CMD...: runs CMD (output to out.txt) and prints its peak resident memory in KiB.
peak_rss_kib() {
  /usr/bin/time -f '%M' -o rss.out "$@" > out.txt 2>&1
  echo "exit $?" > exit.out
  tail -n 1 rss.out
}
rss=$(peak_rss_kib "$SIMMER" cook)
expect_eq "$(cat exit.out)" "exit 4" "cook exit ($(head -c 2000 out.txt))"
expect_output "simmer: error: the journal is damaged before its last line (.simmer/events.jsonl:3): longer than 64 MiB, not a line simmer wrote; nothing was changed" "cook message"
rss_bound 524288 "cook"
rss=$(peak_rss_kib "$SIMMER" stats --all --json)
expect_eq "$(cat exit.out)" "exit 0" "stats exit ($(head -c 2000 out.txt))"
expect_eq "$(grep -v '^simmer: warning' out.txt | jq -c .lines.malformed)" "1" "stats malformed lines"
rss_bound 524288 "stats"
rss=$(peak_rss_kib "$SIMMER" stats --latest)
expect_eq "$(cat exit.out)" "exit 0" "stats (latest run) exit ($(head -c 2000 out.txt))"
rss_bound 524288 "stats (latest run)"
rm -f rss.out exit.out
expect_files_unchanged "$before" "the readers"

# The same gigabyte as a torn last line: `stats` looks for the latest run from the end and passes over it.
truncate -s +1G .simmer/events.jsonl
before=$(snapshot)
rss=$(peak_rss_kib "$SIMMER" stats --latest --json)
expect_eq "$(cat exit.out)" "exit 0" "stats over a torn gigabyte ($(head -c 2000 out.txt))"
expect_eq "$(grep -v '^simmer: warning' out.txt | jq -r .runId)" "$run" "latest run found"
rss_bound 524288 "stats over a torn gigabyte"
rm -f rss.out exit.out
expect_files_unchanged "$before" "stats"
echo ok
