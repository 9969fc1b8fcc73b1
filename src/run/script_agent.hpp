#pragma once
// The offline `script` agent (`simmer agent-script --scenario FILE [--resume ID]`): plays the steps a scenario
// file (schemas/scenario.json) gives for this role, story, attempt, repair and retry, and prints a stream in
// Claude Code's stream-json shape (system/init, assistant text/tool_use, user tool_result, result) so the same
// parser reads it. Launched as a child process exactly like a real agent; the harness sets the environment:
//   SIMMER_ROLE (orchestrator|builder|verifier), SIMMER_STORY_ID, SIMMER_ATTEMPT, SIMMER_HANDOFF (absolute path of
//   the file to write), SIMMER_RUN_ID, SIMMER_PROJECT (project root), SIMMER_REPAIR (contract repair number, 0 for
//   the first session of a phase), SIMMER_RETRY (transient retry number, 0 first).
// Without a matching scenario entry it writes a sensible valid hand-off (task: the harness's story; build: a
// summary; verdict: pass with one result per acceptance criterion), so a short scenario cooks a big PRD.

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace simmer::run {

struct ScriptContext {
  std::string role;
  std::string story_id;
  long attempt = 0;
  long repair = 0;
  long retry = 0;
  std::filesystem::path handoff;
  std::filesystem::path project;
  std::string run_id;
  std::optional<std::string> resume_session;
};

// Reads the SIMMER_* variables above. A missing SIMMER_ROLE or SIMMER_HANDOFF is a Failure(usage).
Result<ScriptContext> script_context_from_env(std::optional<std::string> resume_session);

// Loads and checks a scenario (JSON, validated against schemas/scenario.json). Failure(invalid_input) names the
// file and pointer.
Result<nlohmann::json> load_scenario(const std::filesystem::path& path);

// The scenario entry for `context`: the first of `steps` whose role matches and whose story/attempt/repair/retry
// (each optional, absent = any) match. Null when none matches.
nlohmann::json match_step(const nlohmann::json& scenario, const ScriptContext& context);

// Plays the matching entry (or the default behaviour), printing stream-json lines on `out`; returns the process
// exit code the entry asks for (0 by default). A `hang` step never returns.
int play_scenario(const nlohmann::json& scenario, const ScriptContext& context, std::FILE* out);

}  // namespace simmer::run
