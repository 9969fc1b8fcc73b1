#!/usr/bin/env bash
# Parallel lanes against the ideal schedule (issue 12, "Measured, in a benchmark"). One PRD of 24 stories: four
# dependency chains of 6, 4, 3 and 2 stories (each story depends on the one before it in its chain) and 9
# independent stories, every story with a `touches` glob of its own (`s01/**`...), so any of them may run beside
# any other. Priorities put the longest chain first (chain A 1, B 2, C 3, D 4, the independent ones 5), so that the
# harness's pick order (priority, then id) can reach the ideal schedule.
# Agents: the built-in script agent, offline, each session sleeping a fixed D seconds (BENCH_DELAY, default 1)
# before it writes (builder: sNN/f.txt) and hands off a pass; the harness orchestrates (no orchestrator session);
# no gates. Every story takes exactly 2 sessions (builder, verifier), which the script checks from the journals.
# The PRD is cooked in a fresh git repository for each N (`simmer cook --lanes N`; 1 is the plain loop) and the
# cook's wall time (its makespan) is compared with the ideal schedule for N lanes:
#   ideal(N) = max(critical path, total work / N), work = sessions x D
# and with the schedule of a zero-overhead harness taking stories in simmer's pick order ("list").
# The merge queue: per story, from the coordinator's journal (.simmer/events.jsonl), the time from when the queue
# could start on it (its lane_finished, or the coordinator's previous event if it was busy then) to its record
# (story_passed), less its merge gates, against the git floor: the same steps by plain git in a repository of the
# same files (`git rebase` of a one-commit lane branch in its worktree onto the integration branch,
# `git merge --ff-only`, `git add` + `git commit` of prd.json and progress.json), timed per story, one round of
# 24 stories after each cook (the machine may be shared: both see the same load).
# Usage: bench/lanes/run.sh [N...]   (default 1 2 4 8; SIMMER=path/to/simmer, default build/simmer)
#   BENCH_DELAY=seconds per session (default 1), BENCH_KEEP=1 keeps the projects and logs.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/../.." && pwd)
simmer=${SIMMER:-$root/build/simmer}
[ -x "$simmer" ] || { echo "bench/lanes: $simmer is missing (scripts/build.sh, or SIMMER=...)" >&2; exit 2; }
simmer=$(realpath "$simmer")
for tool in git jq awk; do
  command -v "$tool" > /dev/null || { echo "bench/lanes: $tool is missing" >&2; exit 2; }
done
delay=${BENCH_DELAY:-1}
lanes=("$@")
[ ${#lanes[@]} -gt 0 ] || lanes=(1 2 4 8)
chains=(6 4 3 2)  # stories per dependency chain
singles=9         # independent stories
work=$(mktemp -d)
cleanup() { if [ -n "${BENCH_KEEP:-}" ]; then echo "bench/lanes: kept $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
die() { echo "bench/lanes: $*" >&2; exit 1; }
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }

# plan: one line per story, in pick order (priority, then id): id priority dependency(- for none) chain.
plan() {
  local i=0 c prev letters=ABCDEFGHIJKLMNOPQRSTUVWXYZ
  for c in "${!chains[@]}"; do
    prev=-
    for _ in $(seq 1 "${chains[$c]}"); do
      i=$((i + 1))
      printf 'S%02d %d %s %s\n' "$i" $((c + 1)) "$prev" "${letters:c:1}"
      prev=$(printf 'S%02d' "$i")
    done
  done
  for _ in $(seq 1 "$singles"); do
    i=$((i + 1))
    printf 'S%02d %d - -\n' "$i" $((${#chains[@]} + 1))
  done
}
plan > "$work/plan.txt"
stories=$(wc -l < "$work/plan.txt")
sessions_per_story=2  # builder + verifier; the harness orchestrates
# The critical path in stories (the longest chain of dependencies), computed from the plan, not assumed.
cp_stories=$(awk '{ d = ($3 == "-") ? 1 : depth[$3] + 1; depth[$1] = d; if (d > m) m = d } END { print m }' \
  "$work/plan.txt")
# list <N>: slots of a zero-overhead harness with N lanes taking runnable stories in pick order (all stories take
# the same time, so one slot is one story's work; a story is runnable once its dependency finished a slot before).
list_slots() {
  awk -v n="$1" '{ id[NR] = $1; dep[NR] = $3 } END {
    left = NR
    while (left > 0) {
      slot++; took = 0
      for (i = 1; i <= NR && took < n; i++)
        if (!(id[i] in done) && (dep[i] == "-" || (dep[i] in done && done[dep[i]] < slot))) { start[i] = slot; took++ }
      for (i = 1; i <= NR; i++) if (start[i] == slot) { done[id[i]] = slot; left-- }
    }
    print slot }' "$work/plan.txt"
}

# project <dir>: a git repository holding the PRD, the script agent's scenario and simmer.json, committed.
project() {
  mkdir -p "$1/.simmer" && cd "$1"
  git init -q . && git config user.name bench && git config user.email bench@example.com
  jq -R -s '{schemaVersion: 1, project: "bench-lanes", description: "lanes benchmark",
    stories: [split("\n")[] | select(. != "") | split(" ") | {id: .[0], title: "Story \(.[0])",
      description: "Write \(.[0] | ascii_downcase)/f.txt.", acceptanceCriteria: ["\(.[0] | ascii_downcase)/f.txt exists"],
      priority: (.[1] | tonumber), dependencies: (if .[2] == "-" then [] else [.[2]] end),
      epic: "", notes: "", status: "pending", touches: ["\(.[0] | ascii_downcase)/**"]}]}' \
    "$work/plan.txt" > .simmer/prd.json
  jq -R -s --argjson d "$delay" '{schemaVersion: 1, steps: ([split("\n")[] | select(. != "") | split(" ")[0] |
      {role: "builder", story: ., actions: [{sleep: $d}, {write: "\(ascii_downcase)/f.txt", content: "\(.)\n"}]}] +
    [{role: "verifier", actions: [{sleep: $d}]}])}' "$work/plan.txt" > scenario.json
  cat > simmer.json <<'JSON'
{"schemaVersion": 1, "project": "bench-lanes",
 "agents": {"orchestrator": {"agent": "harness"},
            "builder": {"agent": "script", "scenario": "scenario.json"},
            "verifier": {"agent": "script", "scenario": "scenario.json"}},
 "gates": []}
JSON
  printf '.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n.simmer/state.json\n.simmer/lanes/\n' > .gitignore
  "$simmer" validate > /dev/null || die "the generated project does not validate: $("$simmer" validate 2>&1)"
  git add -A && git commit -qm setup
}

# Journal helpers (jq): a timestamp as Unix ms.
jq_ms='def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + ((.[20:] | rtrimstr("Z")) + "000" | .[0:3] | tonumber);'

# cook <N>: cooks a fresh project with N lanes, checks every story passed as planned, and writes the figures:
# $work/result-N (makespan_ms sessions_ms peak_lanes) and, with lanes, $work/stories-N (one line per story).
cook() {
  local n=$1 dir="$work/lanes-$1" rc=0 start end
  project "$dir"
  start=$(now_ms)
  "$simmer" cook --lanes "$n" > "$work/cook-$n.log" 2>&1 || rc=$?
  end=$(now_ms)
  [ "$rc" = 0 ] || { tail -20 "$work/cook-$n.log" >&2; die "--lanes $n: cook exit $rc"; }
  local status
  status=$("$simmer" status --json)
  [ "$(jq -c '.counts' <<<"$status")" = "{\"blocked\":0,\"passed\":$stories,\"pending\":0}" ] ||
    die "--lanes $n: not every story passed: $(jq -c '.counts' <<<"$status")"
  [ "$(jq '[.stories[] | select(.status == "passed")] | length' .simmer/prd.json)" = "$stories" ] ||
    die "--lanes $n: prd.json does not say every story passed"
  local journals=(.simmer/events.jsonl)
  if [ "$n" -gt 1 ]; then journals+=(.simmer/lanes/*/events.jsonl); fi
  # Exactly the planned sessions, all successful, and nothing played twice (no fix, retry, repair or conflict).
  local got
  got=$(jq -r 'select(.kind == "session") | "\(.data.role) \(.data.outcome)"' "${journals[@]}" | sort | uniq -c |
    awk '{printf "%s %s %s;", $1, $2, $3}')
  [ "$got" = "$stories builder success;$stories verifier success;" ] ||
    die "--lanes $n: sessions are not $stories builders + $stories verifiers, all successful: $got"
  local odd
  odd=$(jq -r 'select(.kind == "handoff_invalid" or .kind == "retry_scheduled" or .kind == "merge_conflicted" or
    .kind == "merge_failed" or (.kind == "phase_started" and .data.phase == "fix")) | .kind' "${journals[@]}" |
    sort | uniq -c | tr '\n' ' ')
  [ -z "$odd" ] || die "--lanes $n: the run did not go as planned: $odd"
  [ "$(git log --format=%s | grep -c ' (build)$')" = "$stories" ] || die "--lanes $n: not $stories build commits"
  [ "$(git log --format=%s | grep -c ' (record passed)$')" = "$stories" ] || die "--lanes $n: not $stories records"
  local sessions_ms peak
  sessions_ms=$(jq -s '[.[] | select(.kind == "session") | .data.durationMs] | add' "${journals[@]}")
  if [ "$n" = 1 ]; then
    [ "$(jq -s '[.[] | select(.kind | startswith("lane_"))] | length' .simmer/events.jsonl)" = 0 ] ||
      die "--lanes 1 opened lanes: it should be the plain loop"
    peak=1
  else
    peak=$(jq -r 'select(.kind == "lane_started" or .kind == "story_passed") | .kind' .simmer/events.jsonl |
      awk '/lane_started/ { c++; if (c > m) m = c } /story_passed/ { c-- } END { print m }')
    [ "$peak" -le "$n" ] || die "--lanes $n: $peak lanes were in flight at once"
    # Per story (ms from the cook's start): lane_started, the lane's run_started, its sessions, its run_finished,
    # lane_finished, queue start (its lane_finished or the coordinator's previous event, the later), the kind of
    # that previous event, merge_rebased, merged, the record (story_passed), merge gates, and the record of its
    # dependency (or the coordinator's run_started for a story without one).
    local lane_rows="$work/lanes-$n.tsv" id
    : > "$lane_rows"
    while read -r id _; do
      jq -r -s --argjson t0 "$start" "$jq_ms"'
        [(map(select(.kind == "run_started"))[0].ts | ms - $t0),
         ([.[] | select(.kind == "session") | .data.durationMs] | add),
         (map(select(.kind == "run_finished"))[-1].ts | ms - $t0)] | "'"$id"'\t" + (map(tostring) | join("\t"))' \
        ".simmer/lanes/$id/events.jsonl" >> "$lane_rows"
    done < "$work/plan.txt"
    jq -r -s --argjson t0 "$start" --rawfile plan "$work/plan.txt" "$jq_ms"'
      . as $ev | (map(select(.kind == "run_started"))[0].ts | ms - $t0) as $run0 |
      ($plan | split("\n") | map(select(. != "") | split(" ")) | map({key: .[0], value: .[2]}) | from_entries) as $dep |
      [range(0; length) as $i | $ev[$i] | .t = (.ts | ms - $t0) | .prev = (if $i > 0 then $ev[$i - 1] else null end)] as $e |
      def at(k; id): [$e[] | select(.kind == k and .data.storyId == id)][0];
      [$e[] | select(.kind == "lane_started") | .data.storyId] as $ids |
      $ids[] as $id | at("merge_rebased"; $id) as $rb | at("lane_finished"; $id).t as $lf |
      ($rb.prev.ts | ms - $t0) as $pv |
      [$id, at("lane_started"; $id).t, $lf, ([$lf, $pv] | max), $rb.prev.kind, $rb.t, at("merged"; $id).t,
       at("story_passed"; $id).t,
       ([$e[] | select(.kind == "merge_gate" and .data.storyId == $id) | .data.durationMs] | add // 0),
       (if $dep[$id] == "-" then $run0 else at("story_passed"; $dep[$id]).t end)] | map(tostring) | join("\t")' \
      .simmer/events.jsonl | sort > "$work/coord-$n.tsv"
    # id ls lrs sess lrf lf qs prevkind rb merged passed gates dep_ready
    join -t $'\t' "$work/coord-$n.tsv" <(sort "$lane_rows") |
      awk -F'\t' -v OFS='\t' '{ print $1, $2, $11, $12, $13, $3, $4, $5, $6, $7, $8, $9, $10 }' > "$work/stories-$n"
    [ "$(wc -l < "$work/stories-$n")" = "$stories" ] || die "--lanes $n: the journals do not name every story"
    local run0 runf
    run0=$(jq -s --argjson t0 "$start" "$jq_ms"'map(select(.kind == "run_started"))[0].ts | ms - $t0' .simmer/events.jsonl)
    runf=$(jq -s --argjson t0 "$start" "$jq_ms"'map(select(.kind == "run_finished"))[-1].ts | ms - $t0' .simmer/events.jsonl)
    echo "$run0 $runf" > "$work/ends-$n"
    # Lanes started while a passed lane waited in the merge queue (it holds it from lane_finished to the record).
    jq -r 'select(.kind == "lane_started" or (.kind == "lane_finished" and .data.result == "passed") or
      .kind == "story_passed" or .kind == "story_blocked") | .kind' .simmer/events.jsonl |
      awk '/lane_finished/ { q++ } /story_/ { if (q > 0) q-- } /lane_started/ { if (q > 0) b++ } END { print b + 0 }' \
      > "$work/beside-$n"
  fi
  echo "$((end - start)) $sessions_ms $peak" > "$work/result-$n"
  cd "$work"
}

# The git floor: the merge queue's steps by plain git, per story, in a repository of the same files. Untimed
# setup: every story's lane (a worktree where simmer puts it, on its own branch from the setup commit, holding the
# story's build commit). Timed per story, in pick order: rebase the lane onto the integration branch, fast-forward
# the branch to it, commit prd.json and progress.json (written by the shell, no process); then, apart, the lane's
# teardown (git worktree remove, git branch -d). Writes "merge_ms teardown_ms" lines.
floor() {
  local dir="$work/floor-$1" main id t0 t1 t2 prd progress=""
  project "$dir" > /dev/null
  main=$(git symbolic-ref --short HEAD)
  prd=$(cat .simmer/prd.json)
  while read -r id _; do
    git worktree add -q -b "simmer/floor/$id" ".git/simmer/lanes/$id" HEAD
    mkdir -p ".git/simmer/lanes/$id/${id,,}" && echo "$id" > ".git/simmer/lanes/$id/${id,,}/f.txt"
    git -C ".git/simmer/lanes/$id" add -A && git -C ".git/simmer/lanes/$id" commit -qm "$id: build"
  done < "$work/plan.txt"
  while read -r id _; do
    t0=${EPOCHREALTIME//[.,]/}
    git -C ".git/simmer/lanes/$id" rebase -q --no-verify --no-autostash "$main"
    git merge -q --ff-only "simmer/floor/$id"
    prd=${prd/\"status\":\"pending\"/\"status\":\"passed\"}  # the first pending story is this one (pick order)
    printf '%s\n' "$prd" > .simmer/prd.json
    progress+="{\"storyId\":\"$id\",\"result\":\"passed\"}"$'\n'
    printf '%s' "$progress" > .simmer/progress.json
    git add -- .simmer/prd.json .simmer/progress.json && git commit -q -m "$id: record passed"
    t1=${EPOCHREALTIME//[.,]/}
    git worktree remove ".git/simmer/lanes/$id" && git branch -d -q "simmer/floor/$id"
    t2=${EPOCHREALTIME//[.,]/}
    echo "$(((t1 - t0) / 1000)) $(((t2 - t1) / 1000))"
  done < "$work/plan.txt"
  cd "$work"
}

cd "$work"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench/lanes: $stories stories (chains of ${chains[*]} + $singles independent), critical path $cp_stories stories;" \
  "D = ${delay}s a session; $(nproc) cpus, load average $load0" >&2
# Each cook is followed by a round of the git floor, so that both see the same load on a shared machine.
: > "$work/floor.txt"
for n in "${lanes[@]}"; do
  echo "cooking with --lanes $n, then the git floor ..." >&2
  cook "$n"
  floor "$n" >> "$work/floor.txt"
done

# Results.
cp_ms=$(awk -v s="$cp_stories" -v k="$sessions_per_story" -v d="$delay" 'BEGIN { print s * k * d * 1000 }')
total_ms=$(awk -v s="$stories" -v k="$sessions_per_story" -v d="$delay" 'BEGIN { print s * k * d * 1000 }')
base=""
[ -f "$work/result-1" ] && base=$(cut -d' ' -f1 "$work/result-1")
echo
echo "$stories stories, ${sessions_per_story} sessions each of ${delay}s: total work $(awk -v t="$total_ms" 'BEGIN { print t / 1000 }')s," \
  "critical path $(awk -v t="$cp_ms" 'BEGIN { print t / 1000 }')s ($cp_stories stories); ideal(N) = max(critical path, total work / N);" \
  "$(nproc) cpus, load average $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo
echo "| lanes | makespan | ideal | makespan / ideal | list schedule | speedup vs --lanes 1 | peak lanes |"
echo "|---|---|---|---|---|---|---|"
for n in "${lanes[@]}"; do
  read -r mk _ peak < "$work/result-$n"
  awk -v n="$n" -v mk="$mk" -v cp="$cp_ms" -v tot="$total_ms" -v base="$base" -v peak="$peak" \
    -v list="$(list_slots "$n")" -v k="$sessions_per_story" -v d="$delay" 'BEGIN {
    ideal = (cp > tot / n) ? cp : tot / n
    printf "| %d | %.1f s | %.1f s | **%.2fx** | %.1f s | %s | %d |\n", n, mk / 1000, ideal / 1000, mk / ideal,
      list * k * d, base ? sprintf("%.2fx", base / mk) : "n/a", peak
    printf "%d %.4f\n", n, mk / ideal > "/dev/stderr" }' 2>> "$work/ratios.txt"
done

echo
echo "Where the lanes' time goes (N lanes x makespan), per story in ms, from the journals. A lane is held from"
echo "lane_started to the story's record: launch = to the lane's run_started; sessions; in lane = the lane's run less"
echo "its sessions; reap = its run_finished to lane_finished; queue wait = to when the coordinator could start on it;"
echo "queue own = from then to the record; idle = lane time no story held. The columns add up to N x makespan / $stories."
echo "Starts beside the queue = lane_started while a passed lane waited in the merge queue (of $stories starts)."
echo
echo "| lanes | sessions | launch | in lane | reap | queue wait | queue own | idle | starts beside the queue |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${lanes[@]}"; do
  read -r mk sess _ < "$work/result-$n"
  if [ "$n" = 1 ]; then
    awk -v mk="$mk" -v s="$sess" -v c="$stories" 'BEGIN {
      printf "| 1 | %.0f | plain loop, no lanes: %.0f ms a story besides its sessions | | | | | | |\n", s / c, (mk - s) / c }'
    continue
  fi
  # id ls lrs sess lrf lf qs prevkind rb merged passed gates dep_ready
  awk -F'\t' -v n="$n" -v mk="$mk" -v beside="$(cat "$work/beside-$n")" '{ c++; sess += $4; launch += $3 - $2
      lane += $5 - $3 - $4; reap += $6 - $5; wait += $7 - $6; own += $11 - $7; held += $11 - $2 }
    END { printf "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d |\n", n, sess / c, launch / c, lane / c,
      reap / c, wait / c, own / c, (n * mk - held) / c, beside }' "$work/stories-$n"
done
all_rows=$(for n in "${lanes[@]}"; do [ "$n" = 1 ] || cat "$work/stories-$n"; done)
if [ -n "$all_rows" ]; then
echo
echo "The longest chain (${chains[0]} stories, each waiting for the one before it to be recorded), its time split:"
echo
echo "| lanes | coordinator start | dispatch | launch | sessions | in lane | reap | merge queue | chain done | makespan |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${lanes[@]}"; do
  [ "$n" != 1 ] || continue
  read -r mk _ _ < "$work/result-$n"
  read -r run0 _ < "$work/ends-$n"
  head -n "${chains[0]}" "$work/plan.txt" | cut -d' ' -f1 | sort |
    join -t $'\t' - "$work/stories-$n" |
    awk -F'\t' -v n="$n" -v mk="$mk" -v run0="$run0" '{ disp += $2 - $13; launch += $3 - $2; sess += $4
        lane += $5 - $3 - $4; reap += $6 - $5; q += $11 - $6; if ($11 > last) last = $11 }
      END { printf "| %d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s |\n", n,
        run0 / 1000, disp / 1000, launch / 1000, sess / 1000, lane / 1000, reap / 1000, q / 1000, last / 1000, mk / 1000 }'
done
fi

# The merge queue against its git floor. Samples where the coordinator's previous event is a lane's
# lane_finished (or lane_started) had the queue to themselves; after another story's record, the queue's time
# also holds that story's teardown (git worktree remove, git branch -d), which the floor times apart.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if [ -n "$all_rows" ]; then
  echo
  echo "Merge queue per story (ms, lane_finished or the queue's previous step to the record, less merge gates) vs git floor:"
  echo
  idle=$(awk -F'\t' '$8 != "story_passed" { print $11 - $7 - $12 }' <<<"$all_rows")
  busy=$(awk -F'\t' '$8 == "story_passed" { print $11 - $7 - $12 }' <<<"$all_rows")
  rebase=$(awk -F'\t' '$8 != "story_passed" { print $9 - $7 }' <<<"$all_rows" | median)
  # The previous story's teardown, estimated: the way to merge_rebased right after a record, less the usual way.
  tear=$(awk -F'\t' -v r="$rebase" '$8 == "story_passed" { print $9 - $7 - r }' <<<"$all_rows" | median)
  ff=$(awk -F'\t' '{ print $10 - $9 - $12 }' <<<"$all_rows" | median)
  rec=$(awk -F'\t' '{ print $11 - $10 }' <<<"$all_rows" | median)
  f_merge=$(cut -d' ' -f1 "$work/floor.txt" | median)
  f_tear=$(cut -d' ' -f2 "$work/floor.txt" | median)
  q_idle=$(median <<<"$idle")
  q_busy=$( [ -n "$busy" ] && median <<<"$busy" || echo nan)
  n_idle=$(grep -c . <<<"$idle" || true)
  n_busy=$(grep -c . <<<"$busy" || true)
  echo "| | median ms | samples |"
  echo "|---|---|---|"
  echo "| simmer queue, the queue idle before it (integrate, fast-forward, record) | $q_idle | $n_idle |"
  echo "| of which: to merge_rebased $rebase (these samples), to merged $ff, to the record $rec (all samples) | | |"
  echo "| simmer queue, right after another story's record (includes that story's teardown) | $q_busy | $n_busy |"
  echo "| of which the previous story's teardown, estimated (its way to merge_rebased less the idle one's, $rebase) | $tear | $n_busy |"
  echo "| git floor: rebase + merge --ff-only + add/commit prd.json, progress.json | $f_merge | $(wc -l < "$work/floor.txt") |"
  echo "| git floor: teardown (worktree remove + branch -d) | $f_tear | $(wc -l < "$work/floor.txt") |"
  echo
  awk -v a="$q_idle" -v b="$q_busy" -v f="$f_merge" -v t="$f_tear" 'BEGIN {
    printf "merge overhead vs git floor: **%.2fx** (queue idle); %s right after another record (vs floor + teardown)\n",
      a / f, (b == "nan") ? "n/a" : sprintf("%.2fx", b / (f + t)) }'
  merge_ratio=$(awk -v a="$q_idle" -v f="$f_merge" 'BEGIN { printf "%.4f", a / f }')
fi
echo
awk -v merge="${merge_ratio:-}" '{ if ($2 > worst) { worst = $2; at = $1 } }
  END { printf "goal, within 1.15x of the ideal schedule at every N: %s (worst %.2fx, at --lanes %d)\n",
          worst <= 1.15 ? "met" : "NOT met", worst, at
        if (merge != "") printf "goal, merge overhead under 2x its git floor: %s (%.2fx)\n", merge < 2 ? "met" : "NOT met", merge }' \
  "$work/ratios.txt"
