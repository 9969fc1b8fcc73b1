// RECORD's outcome as a pure function of (prd, progress, state, build report).
#include <catch2/catch.hpp>

#include "core/record.hpp"

using simmer::core::Build;
using simmer::core::Prd;
using simmer::core::Progress;
using simmer::core::RecordPlan;
using simmer::core::State;
using simmer::core::StoryOutcome;
using simmer::core::StoryState;
using simmer::core::StoryStatus;

namespace {

Prd two_stories() {
  Prd prd;
  prd.project = "demo";
  for (const char* id : {"S1", "S2"}) {
    simmer::core::Story s;
    s.id = id;
    s.title = std::string("Story ") + id;
    prd.stories.push_back(s);
  }
  return prd;
}

State recording(const std::string& id, StoryState result, std::int64_t attempt, std::string reason = "") {
  State s;
  s.story_id = id;
  s.attempt = attempt;
  s.stories[id].cost_usd = 0.25;
  s.story_commits = {"aaa", "bbb"};
  RecordPlan plan;
  plan.result = result;
  plan.reason = std::move(reason);
  s.record = plan;
  return s;
}

Build report(const std::string& id, std::vector<std::pair<std::string, std::string>> patterns) {
  Build b;
  b.story_id = id;
  for (auto& [name, description] : patterns) {
    b.patterns.push_back({name, description});
  }
  return b;
}

}  // namespace

TEST_CASE("record_story: a passed story gets its status, one timeline entry and its new patterns") {
  Progress progress;
  progress.patterns.push_back({"known", "old text", "S0"});
  auto out = simmer::core::record_story(two_stories(), progress, recording("S1", StoryState::passed, 1),
                                        report("S1", {{"known", "new text"}, {"fresh", "learned"}}),
                                        "2026-11-22T10:00:00.000Z");
  CHECK(out.prd.find("S1")->status == StoryStatus::passed);
  CHECK_FALSE(out.prd.find("S1")->blocked_reason);
  CHECK(out.prd.find("S2")->status == StoryStatus::pending);
  REQUIRE(out.progress_changed);
  REQUIRE(out.progress.timeline.size() == 1);
  const auto& e = out.progress.timeline[0];
  CHECK(e.story_id == "S1");
  CHECK(e.outcome == StoryOutcome::passed);
  CHECK(e.attempts == 2);
  CHECK(e.cost_usd == 0.25);
  CHECK(e.summary == "passed");
  CHECK_FALSE(e.reason);
  CHECK(e.commits == std::vector<std::string>{"aaa", "bbb"});
  CHECK(e.meta.ts == "2026-11-22T10:00:00.000Z");
  // A pattern whose name is known keeps its first description; a new one is credited to the story.
  REQUIRE(out.progress.patterns.size() == 2);
  CHECK(out.progress.patterns[0].description == "old text");
  CHECK(out.progress.patterns[1].name == "fresh");
  CHECK(out.progress.patterns[1].story_id == "S1");
}

TEST_CASE("record_story: a blocked story keeps its reason and learns no patterns") {
  State s = recording("S2", StoryState::blocked, 3, "fix attempts exhausted");
  s.record->summary = "the verifier said no";
  auto out = simmer::core::record_story(two_stories(), {}, s, report("S2", {{"p", "d"}}), "t");
  CHECK(out.prd.find("S2")->status == StoryStatus::blocked);
  CHECK(out.prd.find("S2")->blocked_reason == std::optional<std::string>("fix attempts exhausted"));
  REQUIRE(out.progress.timeline.size() == 1);
  CHECK(out.progress.timeline[0].summary == "the verifier said no");
  CHECK(out.progress.timeline[0].reason == std::optional<std::string>("fix attempts exhausted"));
  CHECK(out.progress.patterns.empty());
}

TEST_CASE("record_story: recording the same outcome twice (a kill before the journal) adds nothing") {
  State s = recording("S1", StoryState::passed, 0);
  auto first = simmer::core::record_story(two_stories(), {}, s, std::nullopt, "t1");
  auto again = simmer::core::record_story(first.prd, first.progress, s, std::nullopt, "t2");
  CHECK_FALSE(again.progress_changed);
  REQUIRE(again.progress.timeline.size() == 1);
  CHECK(again.progress.timeline[0].meta.ts == "t1");
  // Another attempt count of the same story is another outcome.
  s.attempt = 1;
  auto later = simmer::core::record_story(first.prd, first.progress, s, std::nullopt, "t3");
  CHECK(later.progress_changed);
  CHECK(later.progress.timeline.size() == 2);
}

TEST_CASE("record_story: a build report of another story teaches nothing") {
  auto out = simmer::core::record_story(two_stories(), {}, recording("S1", StoryState::passed, 0),
                                        report("S2", {{"p", "d"}}), "t");
  CHECK(out.progress.patterns.empty());
  CHECK(out.progress.timeline.size() == 1);
}
