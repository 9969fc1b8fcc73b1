#!/usr/bin/env bash
# Cost per passed story (issue 14): the same PRD cooked through the real Claude Code CLI (tools/agents, pinned)
# against the project's fake model server, which bills each request by its bytes and simulates the model
# service's prefix cache (tests/fake_model_server/usage_model.hpp states the rule: 4 bytes a token, a prefix
# written at each cache_control breakpoint of at least 1,024 tokens and read by any later request that starts
# with it). Every configuration starts with an empty cache and is measured in the same run:
#   default               simmer as shipped: harness orchestrator, claude builder and verifier with their lean
#                         tool sets and a stable system prompt (--exclude-dynamic-system-prompt-sections)
#   epic-checkpoint       the same under the epic-checkpoint workflow (halts after each epic; cooked again)
#   claude-orchestrator   default, with claude as the orchestrator too (one more session per story)
#   all-tools             the verifier kept, but every tool offered ("tools": ["default"]) and Claude Code's
#                         dynamic system prompt (cwd, git status) left in: simmer before issue 14
#   baseline              all-tools on a service that caches nothing, so every request bills all it sends: the
#                         harness that re-sends everything, which the issue measures against
# The agents act out a fixed scenario per story (the builder globs, writes a file, runs it, writes its hand-off,
# says done: 4 requests; the verifier reads, runs a check, writes its verdict, says done: 4 requests; a claude
# orchestrator reads prd.json, writes task.json, says done: 3 requests), so the configurations differ only in what
# the harness makes the CLI send. Output tokens are ceil(bytes/4) of each answer.
# Prices: Claude Sonnet 4.5 list prices per million tokens: input $3, output $15, cache write (5 min) $3.75,
# cache read $0.30. The cost column is computed here from the server's own token counts; "simmer $" is what
# `simmer stats` reports from the CLI's own figures, for a cross-check.
# Usage: bench/cost/run.sh [stories (default 10)] [configurations...]   (BENCH_KEEP=1 keeps the projects and logs)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
simmer=${SIMMER:-$root/build/simmer}
server=${FAKE_SERVER:-$root/build/tests/fake_model_server}
claude=$root/tools/agents/node_modules/.bin/claude
n=${1:-10}
shift || true
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(default epic-checkpoint claude-orchestrator all-tools baseline)
for f in "$simmer" "$server" "$claude"; do
  [ -x "$f" ] || { echo "bench/cost: $f is missing (scripts/build.sh; scripts/install-deps.sh --tests)" >&2; exit 2; }
done
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench/cost: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

ids() { for i in $(seq 1 "$n"); do printf 'B-%02d\n' "$i"; done; }

# project <dir> <workflow>: a git project with an n-story PRD (two epics) and the marked prompt overrides.
project() {
  local dir=$1 workflow=$2
  mkdir -p "$dir/.simmer/prompts" "$dir/src"
  cd "$dir"
  git init -q . && git config user.name bench && git config user.email bench@example.com
  ids | jq -R -s --argjson n "$n" '{schemaVersion: 1, project: "bench", description: "cost benchmark",
    stories: (split("\n") | map(select(. != "")) | to_entries | map({id: .value,
      title: "Greeting file \(.value)", description: "Create src/\(.value).txt holding one greeting line.",
      acceptanceCriteria: ["src/\(.value).txt exists", "it holds one line"], priority: (.key + 1),
      dependencies: [], epic: (if .key < ($n / 2) then "E1" else "E2" end), notes: "", status: "pending"}))}' \
    > .simmer/prd.json
  # The marker that tells the fake server which conversation a request belongs to goes last, after the
  # built-in prompt, so the prompt's stable head is what it would be without it.
  for role in orchestrator builder verifier; do
    { cat "$root/prompts/one-shot/$role.md"; echo; echo "[[scenario:$role-{{story_id}}]]"; } > ".simmer/prompts/$role.md"
  done
  sed -i 's/-{{story_id}}]]$/]]/' .simmer/prompts/orchestrator.md  # one conversation for every orchestration
  echo "{\"schemaVersion\":1,\"project\":\"bench\",\"workflow\":\"$workflow\"}" > simmer.json
  printf '.simmer/events.jsonl\n.simmer/sessions/\n.simmer/lock\n.simmer/state.json\n' > .gitignore
  git add -A && git commit -qm setup
}

# scenario <project dir> <cache true|false>: the fake server's conversations for every story (jq).
scenario() {
  ids | jq -R -s --arg p "$1" --argjson cache "$2" '
    def call(name; input): {name: name, input: input};
    def write(f; c): call("Write"; {file_path: "\($p)/\(f)", content: c});
    [split("\n")[] | select(. != "")] as $ids |
    {usageModel: {bytesPerToken: 4, minCacheTokens: 1024, cache: $cache},
     conversations: ([$ids[] as $s |
      {marker: "[[scenario:builder-\($s)]]", turns: [
        {text: "Looking at the project.", tool_calls: [call("Glob"; {pattern: "src/*"})]},
        {tool_calls: [write("src/\($s).txt"; "hello from \($s)\n"), call("Bash"; {command: "cat src/\($s).txt"})]},
        {tool_calls: [write(".simmer/build.json"; ({schemaVersion: 1, storyId: $s, attempt: 0,
          summary: "Created src/\($s).txt with one greeting line.", filesChanged: ["src/\($s).txt"], testsAdded: [],
          patterns: []} | tostring))]},
        {text: "Built \($s)."}]},
      {marker: "[[scenario:verifier-\($s)]]", turns: [
        {tool_calls: [call("Read"; {file_path: "\($p)/src/\($s).txt"})]},
        {tool_calls: [call("Bash"; {command: "test $(wc -l < src/\($s).txt) = 1 && echo one line"})]},
        {tool_calls: [write(".simmer/verdict.json"; ({schemaVersion: 1, storyId: $s, attempt: 0, verdict: "pass",
          summary: "Both criteria hold.", criteria: [
            {criterion: "src/\($s).txt exists", passed: true, evidence: "read it"},
            {criterion: "it holds one line", passed: true, evidence: "wc -l says 1"}]} | tostring))]},
        {text: "\($s) passes."}]}] +
      [{marker: "[[scenario:orchestrator]]", turns: [$ids[] as $s |
        {tool_calls: [call("Read"; {file_path: "\($p)/.simmer/prd.json"})]},
        {tool_calls: [write(".simmer/task.json"; ({schemaVersion: 1, storyId: $s, title: "Greeting file \($s)",
          guidance: "Create src/\($s).txt with one line.", reasoning: "next by priority"} | tostring))]},
        {text: "Next: \($s)."}]}])}'
}

# cook <name>: one configuration in a fresh project and a fresh server (an empty cache); prints its figures.
cook() {
  local name=$1 dir="$work/$1" workflow=one-shot orchestrator='{"agent":"harness"}' tools="" path=$PATH
  [ "$name" = epic-checkpoint ] && workflow=epic-checkpoint
  project "$dir" "$workflow"
  local cache=true
  [ "$name" = baseline ] && cache=false
  scenario "$dir" "$cache" > "$work/$name.scenario.json"
  "$server" --scenario "$work/$name.scenario.json" --log "$work/$name.log" > "$work/$name.port" &
  server_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/$name.port" ] && break; sleep 0.05; done
  local port
  port=$(head -1 "$work/$name.port")
  local role
  role=$(jq -c -n --arg port "$port" '{agent: "claude", model: "claude-sonnet-4-5", timeout: 300,
    env: {ANTHROPIC_BASE_URL: "http://127.0.0.1:\($port)", ANTHROPIC_API_KEY: "fake-key",
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"}}')
  if [ "$name" = all-tools ] || [ "$name" = baseline ]; then
    role=$(jq -c '. + {tools: ["default"]}' <<<"$role")
    # Claude Code without --exclude-dynamic-system-prompt-sections: a `claude` first on PATH that drops the flag.
    mkdir -p "$work/baseline-bin"
    printf '#!/usr/bin/env bash\nargs=()\nfor a in "$@"; do [ "$a" = --exclude-dynamic-system-prompt-sections ] || args+=("$a"); done\nexec %q "${args[@]}"\n' \
      "$claude" > "$work/baseline-bin/claude"
    chmod +x "$work/baseline-bin/claude"
    path="$work/baseline-bin:$PATH"
  fi
  [ "$name" = claude-orchestrator ] && orchestrator=$role
  jq --argjson r "$role" --argjson o "$orchestrator" '. + {agents: {orchestrator: $o, builder: $r, verifier: $r}, gates: []}' \
    simmer.json > simmer.tmp && mv simmer.tmp simmer.json
  git commit -qam config
  export HOME="$work/home-$name"
  mkdir -p "$HOME"
  local rc=0 runs=0
  while :; do  # epic-checkpoint halts (exit 10) after each epic: cook again, as a person would
    runs=$((runs + 1))
    rc=0
    PATH="$path:$(dirname "$claude")" "$simmer" cook >> "$work/$name.cook.txt" 2>&1 || rc=$?
    [ "$rc" = 10 ] && [ "$runs" -lt 10 ] || break
  done
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  [ "$rc" = 0 ] || { echo "bench/cost: $name: cook exit $rc" >&2; tail -20 "$work/$name.cook.txt" >&2; exit 1; }
  local stats passed
  stats=$("$simmer" stats --all --json)
  passed=$(jq '[.stories[] | select(.status == "passed")] | length' .simmer/prd.json)
  [ "$passed" = "$n" ] || { echo "bench/cost: $name: $passed of $n stories passed" >&2; exit 1; }
  # The configurations are comparable only if each played the scenario as written: no repair, no retry, no fix.
  local odd
  odd=$(jq -c 'select(.kind == "handoff_invalid" or .kind == "retry_scheduled" or
    (.kind == "phase_started" and .data.phase == "fix")) | .kind' .simmer/events.jsonl | sort | uniq -c)
  [ -z "$odd" ] || { echo "bench/cost: $name did not play the scenario as written: $odd" >&2; exit 1; }
  # One line: name passed sessions requests input cacheWrite cacheRead output simmer_usd simmer_tokens_agree
  jq -r -s --arg name "$name" --argjson passed "$passed" --argjson stats "$stats" '
    map(select(.usage)) as $r | ($r | map(.usage.input) | add) as $in | ($r | map(.usage.cacheWrite) | add) as $w |
    ($r | map(.usage.cacheRead) | add) as $rd | ($r | map(.usage.output) | add) as $out |
    [$name, $passed, $stats.sessions.total, ($r | length), $in, $w, $rd, $out, $stats.cost.totalUsd,
     ([$in, $w, $rd, $out] == [$stats.tokens.input, $stats.tokens.cacheWrite, $stats.tokens.cacheRead,
       $stats.tokens.output] | if . then "yes" else "NO: simmer \($stats.tokens)" end)] | @tsv' "$work/$name.log"
  cd "$root"
}

rows=()
for c in "${configs[@]}"; do
  echo "cooking $n stories: $c ..." >&2
  rows+=("$(cook "$c")")
done
# ref <name>: the row of configuration <name>, if it was measured.
ref() { printf '%s\n' "${rows[@]}" | awk -F'\t' -v n="$1" '$1 == n'; }
printf '%s\n' "${rows[@]}" | awk -F'\t' -v base="$(ref baseline)" -v all="$(ref all-tools)" '
  function usd(i, w, r, o) { return (i * 3 + w * 3.75 + r * 0.30 + o * 15) / 1e6 }
  function per_story(row, f) { split(row, f, "\t"); return usd(f[5], f[6], f[7], f[8]) / f[2] }
  function vs(cost, ref) { return ref ? sprintf("%.2fx", cost / ref) : "n/a" }
  BEGIN {
    if (base != "") base_cost = per_story(base)
    if (all != "") all_cost = per_story(all)
    printf "per passed story (Sonnet 4.5 list prices; tokens by the fake server'"'"'s usage model)\n"
    printf "%-20s %8s %8s %8s %8s %8s %7s %7s %8s %8s %9s %9s\n", "configuration", "sessions", "requests", "input",
      "c.write", "c.read", "output", "hit", "cost", "simmer $", "vs base", "vs all"
  }
  {
    p = $2; total = $5 + $6 + $7; cost = usd($5, $6, $7, $8) / p
    printf "%-20s %8.1f %8.1f %8d %8d %8d %7d %6.1f%% %8.4f %8.4f %9s %9s\n", $1, $3 / p, $4 / p, $5 / p, $6 / p,
      $7 / p, $8 / p, total ? 100 * $7 / total : 0, cost, $9 / p, vs(cost, base_cost), vs(cost, all_cost)
    if ($10 != "yes") { bad = bad "\n  " $1 ": the journal'"'"'s tokens differ from the server'"'"'s: " $10 }
  }
  END { if (bad != "") { printf "costs that do not add up:%s\n", bad; exit 1 }
        printf "every configuration: simmer'"'"'s journal counts exactly the tokens the server billed\n" }'
