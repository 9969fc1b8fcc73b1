// core/stats: an orchestrator agent's sessions count towards the story they select, so that the stories' costs
// add up to the run's (the orchestrator's session carries no storyId: it is choosing one).
#include "core/stats.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using nlohmann::json;

namespace {

std::string event(int seq, const std::string& kind, const json& data) {
  return json{{"seq", seq}, {"ts", "2026-11-22T10:00:00.000Z"}, {"runId", "r1"}, {"kind", kind}, {"data", data}}.dump();
}

json session(const std::string& role, const json& story, double cost) {
  return {{"role", role},     {"storyId", story}, {"attempt", 0},     {"agent", "claude"}, {"model", "m"},
          {"sessionId", "s"}, {"turns", 1},       {"durationMs", 10}, {"costUsd", cost},   {"outcome", "success"}};
}

}  // namespace

TEST_CASE("stats: an orchestrator's session is charged to the story it selects", "[stats]") {
  simmer::core::StatsAccumulator acc(simmer::core::RunScope::all, "");
  int seq = 1;
  // The orchestrator chooses US-1 (its session, then the selection), a repair of its task.json costs again
  // before US-2 is selected, and a failed orchestrator's session counts for the harness's fallback pick.
  acc.add_line(event(seq++, "session", session("orchestrator", nullptr, 0.25)));
  acc.add_line(event(seq++, "story_selected", {{"storyId", "US-1"}, {"by", "orchestrator"}}));
  acc.add_line(event(seq++, "session", session("builder", "US-1", 1.0)));
  acc.add_line(event(seq++, "session", session("orchestrator", nullptr, 0.25)));
  acc.add_line(event(seq++, "session", session("orchestrator", nullptr, 0.5)));
  acc.add_line(event(seq++, "story_selected", {{"storyId", "US-2"}, {"by", "harness"}}));
  acc.add_line(event(seq++, "session", session("builder", "US-2", 2.0)));
  auto r = acc.report();
  CHECK(r.cost_usd == Approx(4.0));
  CHECK(r.cost_by_story.at("US-1") == Approx(1.25));
  CHECK(r.cost_by_story.at("US-2") == Approx(2.75));
  CHECK(r.cost_by_story.size() == 2);
  CHECK(r.cost_by_role.at("orchestrator") == Approx(1.0));
}
