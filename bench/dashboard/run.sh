#!/usr/bin/env bash
# Dashboard benchmarks on loopback: /api/state and /api/stories latency under wrk on a 1,000-story project
# (p50/p99), and the delay from an event's append to its arrival at an SSE client (p50/p99).
#
# Usage: bench/dashboard/run.sh [SIMMER_BINARY]   (default: build/simmer, an optimised build)
# Env:   BENCH_OUT (default bench/out/dashboard), BENCH_SECONDS (wrk duration, default 10), BENCH_CONNECTIONS (16)
# Needs: python3, wrk, node (all from scripts/install-deps.sh --tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
simmer=$(realpath "${1:-$root/build/simmer}")
out=${BENCH_OUT:-$root/bench/out/dashboard}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-16}
command -v wrk > /dev/null || { echo "wrk is not installed (scripts/install-deps.sh --tests)" >&2; exit 2; }

rm -rf "$out" && mkdir -p "$out/project/.simmer"
cd "$out/project"
git init -q .
# 1,000 stories in 10 epics, and a journal of runs over them (~20 MB, the generator's story ids match).
python3 - <<'PY'
import json
stories = [{"id": "US-%04d" % i, "title": "Story number %d" % i, "description": "Do thing %d well." % i,
            "acceptanceCriteria": ["criterion %d" % k for k in range(4)], "priority": i, "dependencies": [],
            "epic": "epic-%d" % (i % 10), "notes": "", "status": "pending"} for i in range(1, 1001)]
prd = {"schemaVersion": 1, "project": "bench", "description": "1,000 stories",
       "epics": [{"id": "epic-%d" % e, "title": "Epic %d" % e} for e in range(10)], "stories": stories}
open(".simmer/prd.json", "w").write(json.dumps(prd, indent=2))
open("simmer.json", "w").write(json.dumps({"schemaVersion": 1, "budget": {"total": 5000}}))
PY
python3 "$root/bench/stats/gen_journal.py" --bytes 20000000 --out .simmer/events.jsonl 2> /dev/null

"$simmer" dashboard --port 0 2> "$out/dash.err" &
dash=$!
trap 'kill $dash 2> /dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$out/dash.err" && break; sleep 0.1; done
url=$(sed -nE 's|.* at (http://[^ ]+/) \(Ctrl-C.*|\1|p' "$out/dash.err")
[ -n "$url" ] || { cat "$out/dash.err" >&2; exit 1; }
curl -sf "${url}api/state" > /dev/null  # first render fills the cache

latency() {  # latency <path>: "p50 p99 requests/s" from wrk --latency
  wrk -t2 -c"$conns" -d"${secs}s" --latency "${url}$1" > "$out/wrk-${1//\//_}.txt"
  awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec/ {rps=$2} END {print p50, p99, rps}' "$out/wrk-${1//\//_}.txt"
}
read -r s50 s99 srps <<< "$(latency api/state)"
read -r t50 t99 trps <<< "$(latency api/stories)"
sse=$(node "$here/sse_delay.mjs" "$url" .simmer/events.jsonl 300 20)
echo "dashboard on a 1,000-story project ($(wc -l < .simmer/events.jsonl) journal lines), wrk -t2 -c$conns -d${secs}s"
printf '%-34s %10s %10s %12s\n' "" p50 p99 "req/s"
printf '%-34s %10s %10s %12s\n' "GET /api/state" "$s50" "$s99" "$srps"
printf '%-34s %10s %10s %12s\n' "GET /api/stories" "$t50" "$t99" "$trps"
printf '%-34s %10s %10s\n' "SSE append -> arrival (300 events)" "$(jq -r '.p50Ms' <<< "$sse")ms" "$(jq -r '.p99Ms' <<< "$sse")ms"
