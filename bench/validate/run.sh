#!/usr/bin/env bash
# Validator benchmark: simmer's draft-07 validator against ajv (npm, under node) on the same documents.
#
# usage: bench/validate/run.sh [PRD_COUNT=1000] [EVENT_COUNT=100000] [ROUNDS=5]
#
# Generates (fixed seed) PRD_COUNT prd.json documents of 20 stories each, validated against schemas/prd.json, and
# EVENT_COUNT journal lines, validated against bench/validate/event.schema.json; both tools parse + validate every
# line, best of ROUNDS, and must agree on how many documents are invalid. Builds bench_validate (Release) in
# $SIMMER_BENCH_BUILD_DIR (default build-bench-validate/), needs tools/ajv installed (scripts/install-deps.sh
# --tests, or `npm ci` in tools/ajv). Prints a Markdown table; inputs and raw output go to bench/out/validate/.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
prd_count="${1:-1000}"
event_count="${2:-100000}"
rounds="${3:-5}"
build="${SIMMER_BENCH_BUILD_DIR:-$root/build-bench-validate}"
out="$root/bench/out/validate"
mkdir -p "$out"

if [[ ! -d "$root/tools/ajv/node_modules/ajv" ]]; then
  echo "bench: ajv is not installed: run (cd tools/ajv && npm ci)" >&2
  exit 1
fi

echo "building bench_validate (Release) in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_validate >/dev/null

echo "generating $prd_count prd documents and $event_count event lines" >&2
python3 "$root/bench/validate/generate.py" "$out" "$prd_count" "$event_count"

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

run_pair() {
  local name="$1" schema="$2" data="$3"
  local simmer ajv
  simmer="$("$build/tests/bench_validate" "$schema" "$data" "$rounds")"
  ajv="$(NODE_PATH="$root/tools/ajv/node_modules" node "$root/bench/validate/ajv_bench.js" "$schema" "$data" "$rounds")"
  printf '%s\n%s\n' "$simmer" "$ajv" >>"$out/raw.txt"
  if [[ "$(field "$simmer" invalid)" != "$(field "$ajv" invalid)" ]]; then
    echo "bench: simmer and ajv disagree on $name: $simmer / $ajv" >&2
    exit 1
  fi
  local s a sv av
  s="$(field "$simmer" docs_per_s)"; a="$(field "$ajv" docs_per_s)"
  sv="$(field "$simmer" validate_docs_per_s)"; av="$(field "$ajv" validate_docs_per_s)"
  printf '| %s | %s | %s | %s | %s | %.2f | %s | %s | %.2f |\n' "$name" "$(field "$simmer" documents)" \
    "$(field "$simmer" invalid)" "$s" "$a" "$(echo "$s / $a" | bc -l)" "$sv" "$av" "$(echo "$sv / $av" | bc -l)"
}

: >"$out/raw.txt"
echo "| input | documents | invalid | simmer docs/s (parse+validate) | ajv docs/s (parse+validate) | simmer/ajv | simmer docs/s (validate only) | ajv docs/s (validate only) | simmer/ajv |"
echo "|---|---|---|---|---|---|---|---|---|"
run_pair "prd.json (20 stories)" "$root/schemas/prd.json" "$out/prd.jsonl"
run_pair "event lines" "$root/bench/validate/event.schema.json" "$out/events.jsonl"
echo
echo "$(nproc) cores, $(node --version) / ajv $(node -p "require('$root/tools/ajv/node_modules/ajv/package.json').version"), g++ $(g++ -dumpfullversion) -O3 (CMake Release); best of $rounds rounds"
