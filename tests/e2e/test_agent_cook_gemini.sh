#!/usr/bin/env bash
# Two stories cooked to the end by `simmer cook` with the real Gemini CLI as builder and verifier, against the fake
# Gemini API: its own tool calls (write_file, replace, run_shell_command) create and edit the files and write the
# hand-offs; the verifier rejects S-1 once and the FIX resumes the builder's session (`--resume`); each story
# passes and is committed; every session record carries the tokens and turns the server reported for that session
# and the cost computed from the price table (to the bit); `simmer replay --check` passes.
source "$(dirname "$0")/lib_agent.sh"
require_cli gemini
cd "$proj"

source "$(dirname "$0")/lib_two_story_cook.sh"
to_handoff() { printf "printf '%%s\\n' '%s' > \"\$SIMMER_HANDOFF\"" "$1"; }
jq -n --arg p "$proj" --arg b1 "$(build_json S-1 0)" \
      --arg v1 "$(to_handoff "$(verdict_json S-1 0 fail_retry 'notes.txt says one')")" \
      --arg bf "$(build_json S-1 1)" \
      --arg vf "$(to_handoff "$(verdict_json S-1 1 pass 'notes.txt says one')")" \
      --arg b2 "$(to_handoff "$(build_json S-2 0)")" \
      --arg v2 "$(verdict_json S-2 0 pass 'notes.txt says one, two')" '
  def u(i; o; c): {input: i, output: o, cacheRead: c};
  def sh(c): {name: "run_shell_command", input: {command: c, description: "shell"}};
  def write(f; c): {name: "write_file", input: {file_path: "\($p)/\(f)", content: c}};
  def replace(f; a; b): {name: "replace", input: {file_path: "\($p)/\(f)", instruction: "Edit \(f).", old_string: a, new_string: b}};
  {conversations: [
    {marker: "[[scenario:builder-S-1]]", turns: [
      {text: "Creating notes.txt.", tool_calls: [write("notes.txt"; "won\n")], usage: u(1200; 40; 300)},
      {tool_calls: [write(".simmer/build.json"; "\($b1)\n")], usage: u(1500; 60; 700)},
      {text: "Built S-1.", usage: u(1700; 20; 900)},
      {text: "Fixing the typo.", tool_calls: [replace("notes.txt"; "won\n"; "one\n")], usage: u(2600; 80; 1500)},
      {tool_calls: [write(".simmer/build.json"; "\($bf)\n")], usage: u(2900; 25; 1700)},
      {text: "Fixed S-1.", usage: u(3100; 15; 2000)}]},
    {marker: "[[scenario:verifier-S-1]]", turns: [
      {tool_calls: [sh("cat notes.txt")], usage: u(1100; 30; 0)},
      {tool_calls: [sh($v1)], usage: u(1300; 50; 400)},
      {text: "S-1 says won.", usage: u(1400; 10; 600)},
      {tool_calls: [sh($vf)], usage: u(1250; 45; 350)},
      {text: "S-1 passes.", usage: u(1350; 5; 550)}]},
    {marker: "[[scenario:builder-S-2]]", turns: [
      {tool_calls: [replace("notes.txt"; "one\n"; "one\ntwo\n")], usage: u(2100; 70; 100)},
      {tool_calls: [sh($b2)], usage: u(2300; 45; 1100)},
      {text: "Built S-2.", usage: u(2500; 15; 1300)}]},
    {marker: "[[scenario:verifier-S-2]]", turns: [
      {tool_calls: [write(".simmer/verdict.json"; "\($v2)\n")], usage: u(900; 35; 0)},
      {text: "S-2 passes.", usage: u(1000; 5; 800)}]}]}' > "$work/scenario.json"
start_server "$work/scenario.json"
mkdir -p "$HOME/.gemini"
echo '{"security":{"auth":{"selectedType":"gemini-api-key"}}}' > "$HOME/.gemini/settings.json"
role=$(jq -cn --arg url "http://127.0.0.1:$PORT" '{agent:"gemini",model:"gemini-2.5-pro",timeout:120,
  env:{GOOGLE_GEMINI_BASE_URL:$url,GEMINI_API_KEY:"fake-key"}}')
# gemini-2.5-pro's entry of the price table; the edits are gemini's own: write_file created notes.txt, replace
# fixed it and added a line.
cook_two_stories "$role"
check_two_story_sessions gemini gemini-2.5-pro 1.25 10 0.31 contents turns
# Each role was offered its lean set (issue 14): the policy file simmer wrote beside each transcript denied the
# others, so the requests of the agent loop declare only these, and the journal's launch records say the same.
declared() { jq -r --arg c "[[scenario:$1-" 'select(.main and (.conversation // "" | startswith($c))) |
  [.body.tools[].functionDeclarations[]?.name] | sort | join(",")' "$LOG" | sort -u; }
[ "$(declared builder)" = "glob,grep_search,list_directory,read_file,replace,run_shell_command,write_file" ] || \
  fail "the builder was offered: $(declared builder)"
[ "$(declared verifier)" = "glob,grep_search,list_directory,read_file,run_shell_command,write_file" ] || \
  fail "the verifier was offered: $(declared verifier)"
launched=$(jq -r 'select(.kind == "session_launched") | "\(.data.role) \(.data.tools | sort | join(","))"' \
  .simmer/events.jsonl | sort -u)
[ "$launched" = "builder glob,grep_search,list_directory,read_file,replace,run_shell_command,write_file
verifier glob,grep_search,list_directory,read_file,run_shell_command,write_file" ] || fail "launch records: $launched"
ls .simmer/sessions/*/*-builder-0.policy.toml > /dev/null || fail "no policy file beside the builder's transcript"
echo "ok: two stories cooked through the real gemini (a rejection, a resumed FIX): its edits, its hand-offs, committed; tokens and cost exact"
