#pragma once
// `simmer doctor`: one finding per check, each ok / warn / fail, in a fixed order.

#include "store/project.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace simmer::project {

enum class CheckLevel { ok, warn, fail };

// "ok" | "warn" | "fail".
std::string_view to_string(CheckLevel level);

struct CheckResult {
  std::string name;  // stable key: "config", "files", "prompts", "agent.builder", "git", "gates", "lock", ...
  CheckLevel level = CheckLevel::ok;
  std::string message;               // one line for a person
  std::vector<std::string> details;  // further lines (each problem of a file, each missing gate command)
};

enum class ProbeMode { skip, live };

struct DoctorOptions {
  ProbeMode probe = ProbeMode::skip;  // live: one-turn call through each configured agent
  int probe_timeout_s = 60;
};

// Runs every check for the project at `paths` (docs/project-commands.md lists them). Never throws for a broken
// project: a broken thing is a fail finding. A check that cannot run because an earlier one failed (no config)
// reports warn "skipped: ...".
std::vector<CheckResult> run_doctor(const store::ProjectPaths& paths, const DoctorOptions& options);

// The --json document: {"checks": [{name, level, message, details}], "summary": {ok, warn, fail}}.
nlohmann::json doctor_json(const std::vector<CheckResult>& results);

}  // namespace simmer::project
