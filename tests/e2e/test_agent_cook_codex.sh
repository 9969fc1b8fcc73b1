#!/usr/bin/env bash
# Two stories cooked to the end by `simmer cook` with the real Codex CLI as builder and verifier, against the fake
# Responses API: codex's own tool calls (exec_command, apply_patch) create and edit the files and write the
# hand-offs; the verifier rejects S-1 once and the FIX resumes the builder's thread (`codex exec resume`); each
# story passes and is committed; every session record carries the tokens the server reported for that session (a
# resumed thread's running totals minus what its earlier sessions recorded) and the cost computed from the price
# table (to the bit); `simmer replay --check` passes.
source "$(dirname "$0")/lib_agent.sh"
require_cli codex
cd "$proj"

source "$(dirname "$0")/lib_two_story_cook.sh"
# apply_patch is a free-form tool: its input is the patch text itself.
add_patch() { printf '*** Begin Patch\n*** Add File: %s\n+%s\n*** End Patch\n' "$1" "$2"; }
to_handoff() { printf "printf '%%s\\n' '%s' > \"\$SIMMER_HANDOFF\"" "$1"; }
jq -n --arg b1 "$(add_patch .simmer/build.json "$(build_json S-1 0)")" \
      --arg v1 "$(to_handoff "$(verdict_json S-1 0 fail_retry 'notes.txt says one')")" \
      --arg f1 $'*** Begin Patch\n*** Update File: notes.txt\n@@\n-won\n+one\n*** End Patch\n' \
      --arg bf "$(add_patch .simmer/build.json "$(build_json S-1 1)")" \
      --arg vf "$(to_handoff "$(verdict_json S-1 1 pass 'notes.txt says one')")" \
      --arg e2 $'*** Begin Patch\n*** Update File: notes.txt\n@@\n one\n+two\n*** End Patch\n' \
      --arg b2 "$(to_handoff "$(build_json S-2 0)")" \
      --arg v2 "$(add_patch .simmer/verdict.json "$(verdict_json S-2 0 pass 'notes.txt says one, two')")" '
  def u(i; o; c): {input: i, output: o, cacheRead: c};
  def sh(c): {name: "exec_command", input: {cmd: c}};
  def patch(p): {name: "apply_patch", input: p};
  {conversations: [
    {marker: "[[scenario:builder-S-1]]", turns: [
      {text: "Creating notes.txt.", tool_calls: [sh("printf '\''won\\n'\'' > notes.txt")], usage: u(1200; 40; 300)},
      {tool_calls: [patch($b1)], usage: u(1500; 60; 700)},
      {text: "Built S-1.", usage: u(1700; 20; 900)},
      {text: "Fixing the typo.", tool_calls: [patch($f1)], usage: u(2600; 80; 1500)},
      {tool_calls: [patch($bf)], usage: u(2900; 25; 1700)},
      {text: "Fixed S-1.", usage: u(3100; 15; 2000)}]},
    {marker: "[[scenario:verifier-S-1]]", turns: [
      {tool_calls: [sh("cat notes.txt")], usage: u(1100; 30; 0)},
      {tool_calls: [sh($v1)], usage: u(1300; 50; 400)},
      {text: "S-1 says won.", usage: u(1400; 10; 600)},
      {tool_calls: [sh($vf)], usage: u(1250; 45; 350)},
      {text: "S-1 passes.", usage: u(1350; 5; 550)}]},
    {marker: "[[scenario:builder-S-2]]", turns: [
      {tool_calls: [patch($e2)], usage: u(2100; 70; 100)},
      {tool_calls: [sh($b2)], usage: u(2300; 45; 1100)},
      {text: "Built S-2.", usage: u(2500; 15; 1300)}]},
    {marker: "[[scenario:verifier-S-2]]", turns: [
      {tool_calls: [patch($v2)], usage: u(900; 35; 0)},
      {text: "S-2 passes.", usage: u(1000; 5; 800)}]}]}' > "$work/scenario.json"
start_server "$work/scenario.json"

# sandbox: lib_agent.sh's codex_args says why codex's own is off here.
role=$(jq -cn --arg url "http://127.0.0.1:$PORT/v1" '{agent:"codex",model:"gpt-5.5",timeout:120,sandbox:"danger-full-access",
  env:{OPENAI_API_KEY:"fake-key"},
  args:["-c","model_provider=\"fake\"","-c","model_providers.fake.name=\"fake\"",
        "-c","model_providers.fake.base_url=\"\($url)\"","-c","model_providers.fake.env_key=\"OPENAI_API_KEY\"",
        "-c","model_providers.fake.wire_api=\"responses\""]}')
# gpt-5.5 (a model codex 0.169 knows, so it offers apply_patch) is priced by the gpt-5 entry, the longest prefix
# of its id; the edits are codex's own: exec_command created notes.txt, apply_patch fixed it and added a line.
cook_two_stories "$role"
check_two_story_sessions codex gpt-5.5 1.25 10 0.125 input
echo "ok: two stories cooked through the real codex (a rejection, a resumed FIX): its edits, its hand-offs, committed; tokens and cost exact"
