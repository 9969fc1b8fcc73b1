#include "core/record.hpp"

#include <algorithm>

namespace simmer::core {

Recorded record_story(Prd prd, Progress progress, const State& state, const std::optional<Build>& build,
                      const std::string& ts) {
  const std::string id = state.story_id.value_or("");
  const RecordPlan& rec = *state.record;
  const bool passed = rec.result == StoryState::passed;
  if (Story* s = prd.find(id)) {
    s->status = passed ? StoryStatus::passed : StoryStatus::blocked;
    s->blocked_reason = passed ? std::nullopt : std::optional<std::string>(rec.reason);
  }
  const StoryOutcome outcome = passed ? StoryOutcome::passed : StoryOutcome::blocked;
  const bool present = !progress.timeline.empty() && progress.timeline.back().story_id == id &&
                       progress.timeline.back().outcome == outcome &&
                       progress.timeline.back().attempts == state.attempt + 1;
  if (present) {
    return {std::move(prd), std::move(progress), false};
  }
  TimelineEntry entry;
  entry.story_id = id;
  entry.outcome = outcome;
  entry.attempts = state.attempt + 1;
  auto story = state.stories.find(id);
  entry.cost_usd = story == state.stories.end() ? 0.0 : story->second.cost_usd;
  entry.summary = !rec.summary.empty() ? rec.summary : passed ? "passed" : rec.reason;
  if (!passed) {
    entry.reason = rec.reason;
  }
  entry.commits = state.story_commits;
  entry.meta.ts = ts;
  progress.timeline.push_back(std::move(entry));
  if (passed && build && build->story_id == id) {
    for (const auto& p : build->patterns) {
      bool known = std::any_of(progress.patterns.begin(), progress.patterns.end(),
                               [&](const LearnedPattern& lp) { return lp.name == p.name; });
      if (!known) {
        progress.patterns.push_back({p.name, p.description, id});
      }
    }
  }
  return {std::move(prd), std::move(progress), true};
}

}  // namespace simmer::core
