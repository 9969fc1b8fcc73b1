// ORCHESTRATE's decisions, pure: which story may run, and whether the orchestrator's pick is accepted.
#include <catch2/catch.hpp>

#include "core/machine.hpp"
#include "core/select.hpp"

using simmer::core::accept_pick;
using simmer::core::Phase;
using simmer::core::State;
using simmer::core::Step;
using simmer::core::StoryState;
using simmer::core::StoryView;

namespace {

// A: passed; B (priority 1) depends on A, runnable; C (priority 2) runnable; D depends on C, waiting.
State four_stories() {
  State s;
  auto add = [&](const std::string& id, std::int64_t priority, std::vector<std::string> deps, StoryState status) {
    StoryView v;
    v.title = "Title " + id;
    v.priority = priority;
    v.dependencies = std::move(deps);
    v.status = status;
    s.stories[id] = v;
    s.order.push_back(id);
  };
  add("A", 0, {}, StoryState::passed);
  add("B", 1, {"A"}, StoryState::pending);
  add("C", 2, {}, StoryState::pending);
  add("D", 0, {"C"}, StoryState::pending);
  return s;
}

}  // namespace

TEST_CASE("accept_pick: a runnable pick is the orchestrator's") {
  auto out = accept_pick(four_stories(), "C");
  CHECK(out.story_id == "C");
  CHECK(out.by_orchestrator);
  CHECK(out.warning.empty());
}

TEST_CASE("accept_pick: a refused pick falls back to the harness's pick with the reason") {
  State s = four_stories();
  auto unknown = accept_pick(s, "X-9");
  CHECK(unknown.story_id == "B");
  CHECK_FALSE(unknown.by_orchestrator);
  CHECK(unknown.warning == "the orchestrator's pick was refused: story \"X-9\" does not exist");
  auto done = accept_pick(s, "A");
  CHECK(done.story_id == "B");
  CHECK(done.warning == "the orchestrator's pick was refused: story \"A\" is passed");
  auto waiting = accept_pick(s, "D");
  CHECK(waiting.story_id == "B");
  CHECK(waiting.warning == "the orchestrator's pick was refused: story \"D\" waits for \"C\" (pending)");
}

TEST_CASE("accept_pick: with nothing runnable a refused pick selects no story") {
  State s = four_stories();
  s.stories["B"].status = StoryState::blocked;
  s.stories["C"].status = StoryState::blocked;
  auto out = accept_pick(s, "D");
  CHECK(out.story_id.empty());
  CHECK_FALSE(out.by_orchestrator);
  CHECK(out.warning == "the orchestrator's pick was refused: story \"D\" waits for \"C\" (blocked)");
}

TEST_CASE("feedback_due: the inbox is claimed at every ORCHESTRATE launch or fallback of a running run") {
  State s;
  s.running = true;
  s.phase = Phase::orchestrate;
  for (Step step : {Step::launch, Step::fallback}) {
    s.step = step;
    CHECK(simmer::core::feedback_due(s));
  }
  for (Step step : {Step::running, Step::retry_wait, Step::validate, Step::repair, Step::commit}) {
    s.step = step;
    CHECK_FALSE(simmer::core::feedback_due(s));
  }
  s.step = Step::launch;
  for (Phase phase : {Phase::build, Phase::gates, Phase::verify, Phase::fix, Phase::record, Phase::halt, Phase::done}) {
    s.phase = phase;
    CHECK_FALSE(simmer::core::feedback_due(s));
  }
  s.phase = Phase::orchestrate;
  s.running = false;
  CHECK_FALSE(simmer::core::feedback_due(s));
}
