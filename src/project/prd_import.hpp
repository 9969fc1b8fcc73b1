#pragma once
// marmite's and Ralph's prd.json ({project, branchName, description, userStories: [{id, title, description,
// acceptanceCriteria, priority, passes, notes, dependencies, epic}]}) converted into simmer's prd.json.

#include "project/prd_markdown.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace simmer::project {

struct ImportedPrd {
  nlohmann::json prd = nlohmann::json::object();  // valid only when `errors` is empty
  std::vector<std::string> errors;                // "prd.json#/userStories/3/dependencies/0: US-012 does not exist"
  std::vector<std::string> notes;  // informational: "branchName \"ralph/todo\" is not used by simmer (dropped)"
  int passed = 0;                  // stories imported as passed
};

// Converts a parsed marmite/Ralph document. `file` labels messages (`file#/json/pointer: why`). `passes: true`
// becomes status "passed", anything else "pending". Missing priority = 1-based position; missing description,
// notes, dependencies, epic = empty. Epic slugs become `epics` entries (title = the slug's words capitalised)
// so the result is self-describing. Errors: not an object, no `userStories` array, a story that is not an
// object, missing/empty id or title, no criteria, wrong field types, and every check_prd_semantics() problem.
ImportedPrd import_prd(const nlohmann::json& source, const std::string& file);

}  // namespace simmer::project
