#!/usr/bin/env bash
# Benchmark of the cook loop's own overhead: a 100-story PRD cooked with the script agent answering at once (one
# file written per story, no gate), timed with --profile (journal, state, validation, git, agent = process spawn
# + the script agent, record) and /usr/bin/time -v (peak memory), beside the floor: the same number of git
# commits made by plain `git add` + `git commit` in a shell loop. Cook and floor alternate for `rounds` rounds
# (default 5) so that noise on a shared machine falls on both; the medians of wall and cpu time are compared.
# Usage: bench/cook/run.sh [path/to/simmer] [stories] [rounds]
set -euo pipefail
simmer=$(realpath "${1:-$(dirname "$0")/../../build/simmer}")
n=${2:-100}
rounds=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

setup() {
  mkdir -p "$1/.simmer" && cd "$1"
  git init -q . && git config user.name bench && git config user.email bench@example.com
  {
    printf '{"schemaVersion":1,"project":"bench","description":"","stories":['
    for i in $(seq 1 "$n"); do
      [ "$i" = 1 ] || printf ','
      printf '{"id":"B-%03d","title":"Story %d","description":"","acceptanceCriteria":["works"],"priority":%d,' "$i" "$i" "$i"
      printf '"dependencies":[],"epic":"","notes":"","status":"pending"}'
    done
    printf ']}\n'
  } > .simmer/prd.json
  {
    printf '{"schemaVersion":1,"steps":['
    for i in $(seq 1 "$n"); do
      [ "$i" = 1 ] || printf ','
      printf '{"role":"builder","story":"B-%03d","actions":[{"write":"src/b%03d.txt","content":"story %d\\n"}]}' "$i" "$i" "$i"
    done
    printf ']}\n'
  } > scenario.json
  cat > simmer.json <<'JSON'
{"schemaVersion": 1, "project": "bench",
 "agents": {"orchestrator": {"agent": "harness"},
            "builder": {"agent": "script", "scenario": "scenario.json"},
            "verifier": {"agent": "script", "scenario": "scenario.json"}}}
JSON
  printf '.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n' > .gitignore
  git add -A && git commit -qm setup
}

# The floor: the same commits (one work file per build, prd.json + progress.json per record) by git alone.
cat > "$work/floor.sh" <<'SH'
for i in $(seq 1 "$1"); do
  f=$(printf 'src/b%03d.txt' "$i")
  mkdir -p src && echo "story $i" > "$f"
  git add -A -- "$f" && git commit -q --only -m "B-$i build" -- "$f"
  echo "$i" >> .simmer/prd.json && echo "$i" >> .simmer/progress.json
  git add -- .simmer/prd.json .simmer/progress.json && git commit -q --only -m "B-$i record" -- .simmer/prd.json .simmer/progress.json
done
SH

# measure <name> <command...>: prints "wall cpu peak_kib" (cpu = user + system of the command and its children);
# the command's output goes to $work/<name>.out and .err.
measure() {
  local name=$1; shift
  /usr/bin/time -o "$work/time.txt" -f '%e %U %S %M' "$@" > "$work/$name.out" 2> "$work/$name.err"
  awk '{print $1, $2 + $3, $4}' "$work/time.txt"
}
cooks=() floors=()
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/cook" "$work/floor"
  setup "$work/cook"
  cooks+=("$(measure cook "$simmer" cook --profile)")
  commits=$(($(git rev-list --count HEAD) - 1))
  setup "$work/floor"
  floors+=("$(measure floor bash "$work/floor.sh" "$n")")
done
# median <column> <rows...>
median() {
  local col=$1; shift
  printf '%s\n' "$@" | awk -v c="$col" '{print $c}' | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

echo "stories: $n, commits: $commits, rounds: $rounds (cook and floor alternating; medians)"
echo "cook rounds (wall s): $(printf '%s\n' "${cooks[@]}" | awk '{printf "%s ", $1}')"
echo "floor rounds (wall s): $(printf '%s\n' "${floors[@]}" | awk '{printf "%s ", $1}')"
awk -v t="$(median 1 "${cooks[@]}")" -v f="$(median 1 "${floors[@]}")" -v tc="$(median 2 "${cooks[@]}")" \
    -v fc="$(median 2 "${floors[@]}")" -v p="$(median 3 "${cooks[@]}")" -v n="$n" 'BEGIN {
  printf "cook: %.2fs wall (%.1f ms/story), %.2fs cpu (%.1f ms/story), peak RSS %d KiB\n", t, t * 1000 / n, tc, tc * 1000 / n, p
  printf "git floor (same commits, plain git): %.2fs wall (%.1f ms/story), %.2fs cpu (%.1f ms/story)\n", f, f * 1000 / n, fc, fc * 1000 / n
  printf "ratio cook/floor: %.2f wall, %.2f cpu\n", t / f, tc / fc }'
echo "profile of the last round:"
grep -A20 "simmer: profile" "$work/cook.err" | grep -v "^	"
