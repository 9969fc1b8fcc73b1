#pragma once
// Isolated runs (docs/lanes.md, "An isolated run"): `simmer cook --branch NAME` works on branch NAME in a worktree
// of its own, <git common dir>/simmer/runs/NAME, and leaves the user's branch and work tree untouched; `simmer land`
// then brings the run's work onto the branch it started from. The run's journal, state, lock, hand-offs, inbox and
// steering stay in the project's .simmer/ (store::ProjectPaths::isolated), so every other command sees it.

#include "core/events.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace simmer::run {

// "main" for "refs/heads/main"; any other text as it is.
std::string short_branch_name(const std::string& ref);

// The isolated runs of the journal `events` that are not landed yet: their branch ("refs/heads/NAME") -> the branch
// and tip each started from (run_started's `startedFrom`; a `landed` event closes its run).
std::map<std::string, core::events::Head> unlanded_runs(const std::vector<core::Event>& events);

struct JournalFold;

// A story (or lanes) in flight in the journal folded as `fold`, whose run committed to another branch than `branch`
// ("refs/heads/..."; "" detached): the refusal that says where to resume it (Failure(invalid_input)); nullopt when
// nothing is in flight or it is on `branch`. Checked before a cook starts, and before an isolated run opens.
std::optional<Failure> in_flight_elsewhere(const JournalFold& fold, const std::string& branch);

struct IsolatedRun {
  store::ProjectPaths paths;  // store::ProjectPaths::isolated: the root is NAME's worktree
  core::events::Head started_from;
  bool resumed = false;  // the journal already had this run (not landed): it goes on
};

// Checks `name` and opens the isolated run's worktree for `simmer cook --branch NAME` in `project`. Refused with
// Failure(invalid_input), nothing changed: a name git refuses or under simmer/ (lane branches), the branch checked
// out in the project, a detached HEAD or no commit (nothing to land onto), a .simmer/prd.json with uncommitted
// changes (the run starts from the last commit), and a branch NAME that exists with other commits than the
// project's HEAD while the journal has no unlanded run on it. The worktree is created (from HEAD) or reused; one
// whose folder was deleted is added again on its branch, with its commits.
Result<IsolatedRun> open_isolated_run(const store::ProjectPaths& project, const std::string& name);

struct LandOptions {
  std::string branch;  // the run's branch, short name; "" = the journal's one unlanded run
  core::LandMode mode = core::LandMode::ff;
};

struct LandResult {
  core::events::Landed landed;     // as journaled
  std::vector<std::string> notes;  // what the user should know (a worktree kept, a branch kept)
};

// `simmer land`: with the project lock held, brings the isolated run's branch onto the branch it started from
// (run::land_branch), journals `landed`, removes the run's worktree when clean and its branch when merged.
// Failure(invalid_input) when there is no such run; Failure(failure) when it stopped in the middle of a story, or
// the landing is refused (the branch moved and cannot be fast-forwarded, a conflict, a local change in the way),
// nothing changed; Failure(lock_held) while a cook runs.
Result<LandResult> land(const store::ProjectPaths& project, const LandOptions& options, std::int64_t now_ms);

}  // namespace simmer::run
