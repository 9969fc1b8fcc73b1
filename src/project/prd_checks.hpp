#pragma once
// Semantic checks shared by every producer of prd.json (to-prd, import, to-prd --agent): what a JSON Schema cannot
// say. The schema itself (shapes, types) is checked by the contracts module.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace simmer::project {

// One semantic problem of a prd.json `stories` array. `index` is the story's position (-1: the document).
struct PrdProblem {
  int index = -1;
  std::string field;    // "id", "dependencies", "acceptanceCriteria", "" for the story as a whole
  std::string message;  // "US-007 depends on US-012, which does not exist"
};

// Checks `prd` (simmer's shape: {stories: [{id, dependencies, acceptanceCriteria, ...}]}): at least one story,
// unique non-empty ids, at least one non-empty criterion per story, every dependency names another existing
// story, no dependency cycle (reported once, as "dependency cycle: US-001 -> US-002 -> US-001"). Returns the
// problems in story order; empty means fine. Fields of the wrong type are skipped (the schema reports them).
std::vector<PrdProblem> check_prd_semantics(const nlohmann::json& prd);

// A dependency graph in story order: {story id, ids it depends on (all existing, none itself)}.
using DependencyGraph = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The first dependency cycle found, as the ids along it with the first repeated at the end
// ({"US-001", "US-002", "US-001"}), rotated to start at the story that comes first in the graph. Deterministic:
// the same graph always reports the same cycle. Nothing when the graph is acyclic.
std::optional<std::vector<std::string>> find_dependency_cycle(const DependencyGraph& graph);

}  // namespace simmer::project
