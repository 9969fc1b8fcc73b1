#pragma once
// `init` as data: the answers (from flags, the wizard, or the current simmer.json as defaults), the simmer.json
// they make, and the files that would be written. Pure: nothing here touches the disk.

#include "project/detect.hpp"
#include "project/presets.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace simmer::project {

// Every answer the wizard asks for; each has a flag of the same name (docs/project-commands.md).
struct InitAnswers {
  std::string project;                              // project name; default: the directory's name
  std::string app = ".";                            // the app folder agents work in; "app" for a new project
  std::string workflow = "one-shot";                // one-shot | epic-checkpoint
  std::optional<Preset> preset = Preset::balanced;  // nothing: keep the models of the current simmer.json
  std::string orchestrator = "harness";             // harness | claude | codex | gemini | script | command
  std::string builder = "claude";                   // claude | codex | gemini | script | command
  std::string verifier = "claude";
  std::vector<GateProposal> gates;
  std::string scenario;            // for roles played by the `script` agent (flags only)
  double budget_per_story = 15.0;  // USD, 0 = no limit
  double budget_total = 100.0;     // USD, 0 = no limit
};

// Default answers for `root`: detected gates, the first installed agent CLI (else claude), a new project's app
// folder "app". When `current` (the existing simmer.json) is given, its values win over detection so a re-run
// reconfigures from where the user left off.
InitAnswers default_answers(const std::string& directory_name, const ProjectDetection& detection,
                            const std::vector<AgentCli>& agents, const nlohmann::json* current);

// The preset whose models `current` (a simmer.json) uses for every role, or nothing (custom models).
std::optional<Preset> current_preset(const nlohmann::json& current);

// The simmer.json document for `answers`. When `current` is given, keys the wizard does not ask about
// (pricing, mcpServers, retries, per-role env/args, ...) are carried over unchanged.
nlohmann::json make_config(const InitAnswers& answers, const nlohmann::json* current);

// Where init writes the config schema (the embedded schemas/config.json, with its defaults), relative to the
// project root, and the `$schema` simmer.json names it by: a relative reference an editor resolves from
// simmer.json's folder, with no network.
inline constexpr const char* k_config_schema_file = ".simmer/simmer.schema.json";
inline constexpr const char* k_config_schema_id = k_config_schema_file;

// simmer.json's text for `config`: `$schema`, `schemaVersion` and `project` first, then the sections in the order
// a person reads them (app, workflow, agents, gates, budget, retries, maxIterations, git, parallel, pricing,
// mcpServers), then any other key in name order; nested objects in name order; two-space indent, final newline.
std::string config_text(const nlohmann::json& config);

// The lines `init` makes sure are in .gitignore (templates/gitignore.txt, comments included).
std::vector<std::string> gitignore_lines();

// The patterns of gitignore_lines() (trimmed, comments left out), then the `outputs` of the detected gates
// (ProjectDetection::outputs), that `existing` (a .gitignore's text, may be empty) lacks as a line of its own, in
// that order. An output counts as present in any of git's spellings of the same folder ("build", "build/",
// "/build", "/build/"). Empty: the file keeps simmer's run data and the gates' outputs out of git.
std::vector<std::string> missing_gitignore_lines(const std::string& existing,
                                                 const std::vector<std::string>& outputs = {});

// The text .gitignore should have: `existing` (may be empty) plus the template lines it lacks, appended as one
// block, and the gates' outputs it lacks under a comment of their own. Returns `existing` unchanged when nothing
// is missing.
std::string merged_gitignore(const std::string& existing, const std::vector<std::string>& outputs = {});

}  // namespace simmer::project
