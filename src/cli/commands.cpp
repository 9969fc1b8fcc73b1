#include "cli/commands.hpp"

#include <cstdio>

namespace simmer::cli {

void print_error(const std::string& message) { std::fprintf(stderr, "simmer: error: %s\n", message.c_str()); }

const std::vector<Command>& commands() {
  static const std::vector<Command> k_commands = {
      {"init", "Set up simmer in this project: simmer.json, .simmer/, .gitignore (interactive wizard)", setup_init},
      {"to-prd", "Turn a markdown PRD into .simmer/prd.json", setup_to_prd},
      {"import", "Import a marmite or Ralph prd.json into .simmer/prd.json", setup_import},
      {"cook", "Run the orchestrate -> build -> gates -> verify loop until no story is runnable", setup_cook},
      {"status", "Show where the run stands, from the files alone", setup_status},
      {"stats", "Cost, tokens, durations and retries from the journal", setup_stats},
      {"dashboard", "Serve a live dashboard of the run on localhost", setup_dashboard},
      {"doctor", "Check config, files, agents, git, gates and lock", setup_doctor},
      {"validate", "Validate simmer.json and .simmer/ files (or any JSON against a schema)", setup_validate},
      {"replay", "Fold the journal through the state machine; --check compares with state.json", setup_replay},
      {"gc", "Delete the session transcripts of old runs", setup_gc},
      {"agent-script", "Offline scripted agent (used by the demo and tests)", setup_agent_script, Visibility::hidden},
  };
  return k_commands;
}

}  // namespace simmer::cli
