// core/stats with lanes: a coordinator's journal (its runs, lane starts, stories) and each lane's own journal (its
// sessions), fed after it. Lane lines count where they fall inside a coordinator run in scope, never as runs of
// their own; the lanes' busy time against the coordinators' wall time gives the parallel efficiency.
#include "core/stats.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using nlohmann::json;

namespace {

std::string stats_lane_line(int seq, const std::string& run, const std::string& ts, const std::string& kind,
                            const json& data) {
  return json{{"seq", seq}, {"ts", "2026-12-07T10:" + ts + "Z"}, {"runId", run}, {"kind", kind}, {"data", data}}.dump();
}

json stats_lane_session(const std::string& story, double cost) {
  return {{"role", "builder"}, {"storyId", story}, {"attempt", 0},     {"agent", "script"}, {"model", "script"},
          {"sessionId", "s"},  {"turns", 1},       {"durationMs", 10}, {"costUsd", cost},   {"outcome", "success"}};
}

json coordinator_started(int lanes) { return {{"limits", {{"parallel", {{"lanes", lanes}}}}}}; }

// Run c1 (two lanes, 10:00:00 to 10:00:10) ran lanes A (10:00:01-10:00:09) and B (10:00:02-10:00:06); run c2 (one
// lane, later) ran a story in the checkout.
void feed_lanes_history(simmer::core::StatsAccumulator& acc) {
  acc.add_line(stats_lane_line(1, "c1", "00:00.000", "run_started", coordinator_started(2)));
  acc.add_line(stats_lane_line(2, "c1", "00:00.500", "lane_started", {{"storyId", "A"}}));
  acc.add_line(stats_lane_line(3, "c1", "00:01.000", "lane_started", {{"storyId", "B"}}));
  acc.add_line(stats_lane_line(4, "c1", "00:09.500", "story_passed", {{"storyId", "A"}}));
  acc.add_line(stats_lane_line(5, "c1", "00:10.000", "story_passed", {{"storyId", "B"}}));
  acc.add_line(stats_lane_line(6, "c2", "05:00.000", "run_started", json::object()));
  acc.add_line(stats_lane_line(7, "c2", "05:01.000", "story_selected", {{"storyId", "C"}}));
  acc.add_line(stats_lane_line(8, "c2", "05:02.000", "session", stats_lane_session("C", 1.0)));
  acc.begin_lane_journal();
  acc.add_line(stats_lane_line(1, "la", "00:01.000", "run_started", json::object()));
  acc.add_line(stats_lane_line(2, "la", "00:01.000", "story_selected", {{"storyId", "A"}}));
  acc.add_line(stats_lane_line(3, "la", "00:05.000", "session", stats_lane_session("A", 0.25)));
  acc.add_line(stats_lane_line(4, "la", "00:09.000", "run_finished", {{"result", "passed"}}));
  acc.add_line(stats_lane_line(1, "lb", "00:02.000", "run_started", json::object()));
  acc.add_line(stats_lane_line(2, "lb", "00:04.000", "session", stats_lane_session("B", 0.5)));
  acc.add_line(stats_lane_line(3, "lb", "00:06.000", "run_finished", {{"result", "passed"}}));
  acc.add_line(stats_lane_line(4, "lb", "09:00.000", "session", stats_lane_session("B", 8.0)));  // in no run's window
}

}  // namespace

TEST_CASE("stats: lanes' sessions count with their coordinator's stories, and the lanes' parallel efficiency",
          "[stats]") {
  simmer::core::StatsAccumulator all(simmer::core::RunScope::all, "");
  feed_lanes_history(all);
  auto r = all.report();
  CHECK(r.sessions == 4);
  CHECK(r.cost_usd == Approx(9.75));
  CHECK(r.iterations == 3);  // two lane starts and c2's selection; the lanes' own selections are not counted
  CHECK(r.stories_passed == 2);
  CHECK(r.run_ids == std::vector<std::string>{"c1", "c2"});
  CHECK(r.events == 8);
  REQUIRE(r.lanes);
  CHECK(r.lanes->lanes == 2);
  CHECK(r.lanes->wall_ms == 10000);          // c1 only: c2 had no lanes
  CHECK(r.lanes->busy_ms == 8000 + 538000);  // with --all every lane line counts, the stray one's too

  simmer::core::StatsAccumulator c1(simmer::core::RunScope::run, "c1");
  feed_lanes_history(c1);
  r = c1.report();
  CHECK(r.sessions == 2);
  CHECK(r.cost_usd == Approx(0.75));
  CHECK(r.iterations == 2);
  CHECK(r.cost_by_story.at("A") == Approx(0.25));
  REQUIRE(r.lanes);
  CHECK(r.lanes->wall_ms == 10000);
  CHECK(r.lanes->busy_ms == 12000);  // A 8 s + B 4 s
  CHECK(*r.lanes->average_busy == Approx(1.2));
  CHECK(*r.lanes->efficiency == Approx(0.6));
  auto doc = simmer::core::stats_to_json(r);
  CHECK(doc["lanes"]["efficiency"] == 0.6);
  CHECK(doc["lanes"]["busyMs"] == 12000);

  simmer::core::StatsAccumulator c2(simmer::core::RunScope::run, "c2");
  feed_lanes_history(c2);
  r = c2.report();
  CHECK(r.sessions == 1);
  CHECK_FALSE(r.lanes);
  CHECK(simmer::core::stats_to_json(r)["lanes"].is_null());
}
