#pragma once
// RECORD's outcome, pure: what prd.json and progress.json become when the current story is recorded as passed or
// blocked (state.record). The shell reads the files, calls record_story() and writes what it returns; repeating
// it after a kill (the record commit not yet journaled) gives the same files, so RECORD is idempotent.

#include <optional>
#include <string>

#include "core/contracts.hpp"
#include "core/state.hpp"

namespace simmer::core {

struct Recorded {
  Prd prd;
  Progress progress;
  bool progress_changed = false;  // false: this outcome was already the timeline's last entry
};

// `prd` with the story's status set (passed, or blocked with its reason; an id not in it changes nothing), and
// `progress` with one timeline entry for this outcome appended unless its last entry already is this story, outcome
// and attempt count; for a passed story, the patterns of `build` (when it is this story's report) whose names
// progress does not know yet. `ts` is the entry's meta.ts. Requires state.story_id and state.record.
Recorded record_story(Prd prd, Progress progress, const State& state, const std::optional<Build>& build,
                      const std::string& ts);

}  // namespace simmer::core
