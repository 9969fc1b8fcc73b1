#include "cli/commands.hpp"

#include <cstdio>

namespace simmer::cli {

void print_error(const std::string& message) { std::fprintf(stderr, "simmer: error: %s\n", message.c_str()); }

const std::vector<Command>& commands() {
  static const std::vector<Command> k_commands = {
      {"init", "Set up simmer in this project: simmer.json, .simmer/, .gitignore (interactive wizard)",
       "simmer init --yes --preset balanced", setup_init},
      {"to-prd", "Turn a markdown PRD into .simmer/prd.json", "simmer to-prd PRD.md", setup_to_prd},
      {"import", "Import a marmite or Ralph prd.json into .simmer/prd.json", "simmer import ralph/prd.json",
       setup_import},
      {"cook", "Run the orchestrate -> build -> gates -> verify loop until no story is runnable",
       "simmer cook --max-iterations 1", setup_cook},
      {"land", "Bring an isolated run (cook --branch NAME) onto the branch it started from", "simmer land --squash",
       setup_land},
      {"stop", "Stop the running cook now, cleanly (the next `simmer cook` resumes)", "simmer stop", setup_stop},
      {"pause", "Hold the running cook before its next story", "simmer pause", setup_pause},
      {"resume", "Let a paused cook go on", "simmer resume", setup_resume},
      {"retry", "Bring a blocked story back to pending (also while a cook runs)", "simmer retry US-003", setup_retry},
      {"unblock", "The same as retry", "simmer unblock US-003", setup_retry},
      {"skip", "Set a pending story aside as blocked (also while a cook runs)", "simmer skip US-004", setup_skip},
      {"status", "Show where the run stands, from the files alone", "simmer status --json", setup_status},
      {"stats", "Cost, tokens, durations and retries from the journal", "simmer stats --latest", setup_stats},
      {"logs", "Show the tool calls, text, output and cost of an agent session (-f follows the cook)", "simmer logs -f",
       setup_logs},
      {"dashboard", "Serve a live dashboard of the run on localhost", "simmer dashboard --port 8765 --open",
       setup_dashboard},
      {"doctor", "Check config, files, agents, git, gates and lock", "simmer doctor --probe", setup_doctor},
      {"validate", "Validate simmer.json and .simmer/ files (or any JSON against a schema)", "simmer validate",
       setup_validate},
      {"replay", "Fold the journal through the state machine; --check compares with state.json",
       "simmer replay --check", setup_replay},
      {"gc", "Delete the session transcripts of old runs", "simmer gc --keep 3 --dry-run", setup_gc},
      {"agent-script", "Offline scripted agent (used by the demo and tests)",
       "simmer agent-script --scenario scenario.json", setup_agent_script, Visibility::hidden},
  };
  return k_commands;
}

}  // namespace simmer::cli
