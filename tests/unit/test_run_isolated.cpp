// Isolated runs (run/isolated.hpp): which runs the journal has not landed, and where a story in flight may resume.
#include <catch2/catch.hpp>

#include "run/isolated.hpp"
#include "run/loop.hpp"

#include <nlohmann/json.hpp>

using nlohmann::json;
using simmer::core::Event;
using simmer::core::events::Head;

namespace {

Event journal_line(const std::string& kind, json data) {
  Event e;
  e.kind = kind;
  e.data = std::move(data);
  return e;
}

Event isolated_start(const std::string& branch, const std::string& from) {
  return journal_line("run_started", {{"head", {{"branch", branch}, {"sha", "b1"}}},
                                      {"startedFrom", {{"branch", from}, {"sha", "a1"}}}});
}

}  // namespace

TEST_CASE("isolated: the runs not landed yet come from run_started's startedFrom, and landed closes one") {
  using simmer::run::unlanded_runs;
  std::vector<Event> events = {
      journal_line("run_started", {{"head", {{"branch", "refs/heads/main"}, {"sha", "a0"}}}}),
      isolated_start("refs/heads/feat", "refs/heads/main"),
      isolated_start("refs/heads/other", "refs/heads/dev"),
  };
  auto runs = unlanded_runs(events);
  REQUIRE(runs.size() == 2);
  CHECK(runs.at("refs/heads/feat") == Head{.branch = "refs/heads/main", .sha = "a1"});
  CHECK(runs.at("refs/heads/other") == Head{.branch = "refs/heads/dev", .sha = "a1"});
  events.push_back(journal_line("landed", {{"branch", "refs/heads/feat"}}));
  runs = unlanded_runs(events);
  CHECK(runs.size() == 1);
  CHECK(runs.count("refs/heads/other") == 1);
  // A new run on a landed branch's name is a run of its own.
  events.push_back(isolated_start("refs/heads/feat", "refs/heads/main"));
  CHECK(unlanded_runs(events).size() == 2);
}

TEST_CASE("isolated: a story in flight resumes only on the branch its run committed to") {
  using simmer::run::in_flight_elsewhere;
  simmer::run::JournalFold fold;
  fold.last_head = Head{.branch = "refs/heads/main", .sha = "a0"};
  CHECK_FALSE(in_flight_elsewhere(fold, "refs/heads/feat"));  // nothing in flight: any branch
  fold.state.story_id = "S-2";
  CHECK_FALSE(in_flight_elsewhere(fold, "refs/heads/main"));
  auto refused = in_flight_elsewhere(fold, "refs/heads/feat/x");
  REQUIRE(refused);
  CHECK(refused->code == simmer::ExitCode::invalid_input);
  CHECK(refused->message ==
        "the last run stopped in the middle of story S-2 on main, and this cook would work on "
        "feat/x: resume it there first (`git switch main`, then `simmer cook`)");
  fold.last_head = Head{.branch = "refs/heads/feat/x", .sha = "b1"};
  fold.last_started_from = Head{.branch = "refs/heads/main", .sha = "a0"};
  refused = in_flight_elsewhere(fold, "refs/heads/main");
  REQUIRE(refused);
  CHECK(refused->message ==
        "the isolated run on feat/x stopped in the middle of story S-2: resume it first with "
        "`simmer cook --branch feat/x`");
  // Lanes in flight count as well.
  fold.state.story_id.reset();
  fold.state.lanes["S-3"] = {};
  refused = in_flight_elsewhere(fold, "");
  REQUIRE(refused);
  CHECK_THAT(refused->message, Catch::Contains("in the middle of its lanes"));
}
