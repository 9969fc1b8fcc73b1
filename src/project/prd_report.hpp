#pragma once
// How to-prd and import tell the user what they did with prd.json: one human line (plus the merge details) or
// one JSON object. Shared so both commands speak the same way.

#include "project/prd_output.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace simmer::project {

// The human summary: "wrote .simmer/prd.json: 5 stories (2 passed), 2 epics", "merged into ...: 1 added,
// 1 changed, 0 removed, 3 kept", "unchanged: .simmer/prd.json already holds this PRD". Ends with a newline;
// merge details follow on their own lines ("  added: US-006"). Empty for Action::printed.
std::string describe_prd_write(const PrdWrite& write, const std::string& display, const nlohmann::json& prd);

// The --json summary: {action, output, stories, passed, epics, added, removed, changed, kept}.
nlohmann::json prd_write_json(const PrdWrite& write, const std::string& display, const nlohmann::json& prd);

}  // namespace simmer::project
