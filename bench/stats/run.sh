#!/usr/bin/env bash
# Benchmark of `simmer stats` over a generated 1 GiB events.jsonl, beside jq and a JavaScript reference under Bun,
# all computing the same totals over every run (`--all`). Prints wall time, the ratio to simmer and the peak
# resident memory of each, and checks that the three agree. Also runs simmer over a tenth of the file to show
# that its memory does not grow with the journal.
#
# Usage: bench/stats/run.sh [SIMMER_BINARY]     (default: build/simmer, an optimised build)
# Env:   BENCH_BYTES (default 1073741824), BENCH_OUT (default bench/out/stats), BENCH_RUNS (default 3),
#        BENCH_SKIP_JQ=1 to leave jq out (it takes minutes on 1 GiB).
# Needs: python3, jq, GNU time (/usr/bin/time), and tools/bun installed by scripts/install-deps.sh --tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
simmer=$(realpath "${1:-$root/build/simmer}")
bytes=${BENCH_BYTES:-1073741824}
out=${BENCH_OUT:-$root/bench/out/stats}
runs=${BENCH_RUNS:-3}
bun="$root/tools/bun/node_modules/.bin/bun"
[ -x "$simmer" ] || { echo "no simmer binary at $simmer (build it: scripts/build.sh)" >&2; exit 2; }
[ -x "$bun" ] || { echo "no bun at $bun (run scripts/install-deps.sh --tests)" >&2; exit 2; }

mkdir -p "$out/project/.simmer" "$out/tenth/.simmer"
journal="$out/project/.simmer/events.jsonl"
if [ ! -f "$journal" ] || [ "$(stat -c %s "$journal")" -lt "$bytes" ]; then
  python3 "$here/gen_journal.py" --bytes "$bytes" --out "$journal"
fi
head -c $(( $(stat -c %s "$journal") / 10 )) "$journal" > "$out/tenth/.simmer/events.jsonl"
size_mb=$(( $(stat -c %s "$journal") / 1048576 ))
cat "$journal" > /dev/null  # every tool reads from the page cache, none from the disk

# measure <name> <runs> <command...>: median wall seconds and max peak RSS (MiB) over the runs; output in $out/<name>.out
measure() {
  local name=$1 n=$2; shift 2
  local times=() peak=0
  for _ in $(seq "$n"); do
    /usr/bin/time -f "%e %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err"
    read -r secs kb < "$out/$name.time"
    times+=("$secs")
    (( kb > peak )) && peak=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name $median $(( peak / 1024 ))" >> "$out/results.txt"
}

: > "$out/results.txt"
measure simmer "$runs" "$simmer" -C "$out/project" stats --all --json
measure simmer_latest "$runs" "$simmer" -C "$out/project" stats --json
measure simmer_tenth "$runs" "$simmer" -C "$out/tenth" stats --all --json
measure bun "$runs" "$bun" "$here/reference.mjs" "$journal"
if [ "${BENCH_SKIP_JQ:-0}" != 1 ]; then
  measure jq 1 jq -nR -f "$here/reference.jq" "$journal"
fi

# The three must agree on the totals, or the timing means nothing.
simmer_totals=$(jq -c '[.lines.read, .lines.malformed, .events.count, .sessions.total, .cost.totalUsd, .tokens.cacheRead, .stories.passed, .gates.passed, .verdicts.total]' "$out/simmer.out")
bun_totals=$(jq -c '[.lines.read, .lines.malformed, .events, .sessions, .costUsd, .tokens.cacheRead, .storiesPassed, .gates.passed, .verdicts.total]' "$out/bun.out")
[ "$simmer_totals" = "$bun_totals" ] || { echo "MISMATCH simmer $simmer_totals vs bun $bun_totals" >&2; exit 1; }
if [ -s "$out/jq.out" ] && [ "${BENCH_SKIP_JQ:-0}" != 1 ]; then
  jq_totals=$(jq -c '[.read, .malformed, .events, .sessions, .costUsd, .tokens.cacheRead, .storiesPassed, .gatesPassed, .verdicts]' "$out/jq.out")
  [ "$simmer_totals" = "$jq_totals" ] || { echo "MISMATCH simmer $simmer_totals vs jq $jq_totals" >&2; exit 1; }
fi

echo "stats over ${size_mb} MiB ($(jq '.lines.read' "$out/simmer.out") lines), totals agree: $simmer_totals"
base=$(awk '$1 == "simmer" {print $2}' "$out/results.txt")
printf '%-28s %10s %12s %12s\n' tool seconds "x simmer" "peak MiB"
while read -r name secs mib; do
  case $name in
    simmer) label="simmer stats --all" ;;
    simmer_latest) label="simmer stats (latest run)" ;;
    simmer_tenth) label="simmer stats --all, 1/10 file" ;;
    bun) label="bun reference.mjs" ;;
    jq) label="jq -nR -f reference.jq" ;;
  esac
  printf '%-28s %10s %12s %12s\n' "$label" "$secs" "$(awk -v a="$secs" -v b="$base" 'BEGIN {printf "%.1f", a / b}')" "$mib"
done < "$out/results.txt"
