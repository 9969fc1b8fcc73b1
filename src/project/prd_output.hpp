#pragma once
// Writing a freshly produced prd.json (to-prd, import) without ever losing progress: an existing prd.json whose
// stories have progress (passed or blocked) is replaced only on --force, or merged on --merge.

#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace simmer::project {

enum class ExistingPolicy {
  refuse_progress,  // default: replace only when the existing file has no progress
  merge,            // keep status of stories whose id and text are unchanged
  force,            // replace whatever is there
};

// What merging a new PRD into an existing one did (ids in the new PRD's order, removed in the old one's).
struct MergeReport {
  std::vector<std::string> added;    // ids only in the new PRD
  std::vector<std::string> removed;  // ids only in the existing PRD (their progress is dropped)
  std::vector<std::string> changed;  // same id, different title/description/criteria/dependencies: reset to pending
  std::vector<std::string> kept;     // same id and text: status (and blockedReason) carried over
};

// Merges `fresh` into `existing` (both simmer prd.json documents): returns `fresh` where each story whose id,
// title, description, acceptanceCriteria and dependencies equal the existing one's takes the existing status and
// blockedReason. Priority, epic and notes may change without losing progress. Fills `report`.
nlohmann::json merge_prd(const nlohmann::json& existing, const nlohmann::json& fresh, MergeReport& report);

// True when any story of `prd` has status "passed" or "blocked".
bool prd_has_progress(const nlohmann::json& prd);

// The outcome of write_prd_output().
struct PrdWrite {
  enum class Action { created, replaced, merged, unchanged, printed };
  Action action = Action::created;
  std::filesystem::path path;  // empty when printed to stdout
  MergeReport merge;           // filled for Action::merged
  std::string text;            // the canonical JSON that was (or would be) written
};

// Writes `prd` (canonical JSON: dump(2) + "\n") to `output`, or returns it with Action::printed when `output` is
// "-" (the caller prints `text`). An existing file is handled by `policy`; refusing (progress without --merge or
// --force, or an unreadable existing file without --force) is a Failure with exit code 1 and nothing written.
// Parent directories are created. `display` names the output in messages.
Result<PrdWrite> write_prd_output(const nlohmann::json& prd, const std::filesystem::path& output,
                                  const std::string& display, ExistingPolicy policy);

}  // namespace simmer::project
