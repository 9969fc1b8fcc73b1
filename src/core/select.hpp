#pragma once
// Story selection (issue 3 item 2), pure. Runnable = pending and every dependency passed. The harness's pick is
// the runnable story with the lowest priority number, ties broken by id (byte order), so two runs over the same
// PRD pick the same order. A story whose dependency is blocked (or unknown) is never runnable.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/state.hpp"

namespace simmer::core {

// Whether story `id` can run now. An unknown id is not runnable.
bool is_runnable(const State& state, std::string_view id);

// Every runnable story id, in pick order (priority, then id). Empty: nothing can run.
std::vector<std::string> runnable_stories(const State& state);

// The harness's own pick: the first of runnable_stories(), or nothing.
std::optional<std::string> harness_pick(const State& state);

// Checks the orchestrator's pick. Empty string when it is acceptable; otherwise the reason it is refused, e.g.
// `story "X-9" does not exist`, `story "T-2" is passed`, `story "T-3" waits for "T-2" (pending)`.
std::string refuse_pick(const State& state, std::string_view id);

// What ORCHESTRATE decides from the orchestrator's task.json: its pick when refuse_pick() accepts it, otherwise
// the harness's own pick with a warning naming the reason ("the orchestrator's pick was refused: ..."). This is
// the story_selected event's data: {storyId, by: "orchestrator"|"harness", warning?}.
struct PickOutcome {
  std::string story_id;  // "" when nothing can run
  bool by_orchestrator = false;
  std::string warning;  // "" when the pick was accepted
};
PickOutcome accept_pick(const State& state, std::string_view picked);

// Pending stories that can never run because a dependency (transitively) is blocked: id -> the blocked story.
std::vector<std::pair<std::string, std::string>> stuck_stories(const State& state);

}  // namespace simmer::core
