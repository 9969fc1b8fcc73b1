// The cook loop in-process (tests/unit/run_fakes.hpp): halts. A budget (per story or in total), maxIterations and
// an epic checkpoint stop the run with exit 10 and a halted event saying why; the next cook resumes at the phase
// the halt interrupted, and halts again at once while the limit still holds.

#include <catch2/catch.hpp>

#include "run_fakes.hpp"

using nlohmann::json;
using simmer::test::CookHarness;

using simmer::test::k_story;

namespace {}  // namespace

TEST_CASE("run loop: a per-story budget halts before the next session, and a raised budget resumes at that phase") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.config(json::array(), {{"budget", {{"perStory", 0.005}}}});
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  // The build spent $0.01: the verifier is not started.
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "halted run_finished");
  CHECK(h.of_kind("halted").at(0) ==
        json{{"reason", "budget_story"}, {"detail", "story S1 spent $0.0100 of its budget $0.0050"}});
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "halted"}, {"exitCode", 10}});
  CHECK(h.state().at("halt").at("resumePhase") == "verify");
  CHECK(h.agents.sessions.size() == 1);

  // The spend survives the restart: the same budget halts again before any session.
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  CHECK(h.kinds(2) == "run_started halted run_finished");
  json start = h.of_kind("run_started").at(1);
  CHECK(start.at("resumed") == true);
  CHECK(start.at("phase") == "verify");
  CHECK(start.at("storyId") == "S1");
  CHECK(h.agents.sessions.size() == 1);

  h.config(json::array(), {{"budget", {{"perStory", 1}}}});
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.of_kind("run_started").at(2).at("limits").at("budgetPerStory") == 1);
  CHECK(h.kinds(3) == "run_started phase_started session_launched session phase_finished verdict commit story_passed " +
                          k_story + " phase_started run_finished");
  CHECK(h.agents.sessions.at(1).role == "verifier");
  CHECK(h.agents.sessions.at(1).story_id == "S1");
  CHECK(h.state().at("spend").at("totalUsd").get<double>() == Approx(0.04));
  CHECK(h.seqs_contiguous());
}

TEST_CASE("run loop: a total budget halts before the next story is selected") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.config(json::array(), {{"budget", {{"total", 0.015}}}});
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  // $0.01 after the build is under the limit, so S1 is verified; $0.02 after it is not, so S2 never starts.
  CHECK(h.kinds() == "run_started " + k_story + " halted run_finished");
  CHECK(h.of_kind("halted").at(0) ==
        json{{"reason", "budget_total"}, {"detail", "spent $0.0200 of the total budget $0.0150"}});
  CHECK(h.state().at("halt").at("resumePhase") == "orchestrate");

  h.config(json::array(), {{"budget", {{"total", 0}}}});
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds(2) == "run_started " + k_story + " phase_started run_finished");
  CHECK(h.of_kind("story_selected").at(1).at("storyId") == "S2");
}

TEST_CASE("run loop: maxIterations halts after that many stories and the next cook goes on") {
  CookHarness h;
  h.prd({"S1", "S2", "S3"});
  h.config(json::array(), {{"maxIterations", 2}});
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  CHECK(h.kinds() == "run_started " + k_story + " " + k_story + " halted run_finished");
  CHECK(h.of_kind("halted").at(0) ==
        json{{"reason", "max_iterations"}, {"detail", "2 stories this run (maxIterations)"}});

  // The count is per run: the next one may run two more.
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds(2) == "run_started " + k_story + " phase_started run_finished");
  CHECK(h.of_kind("story_selected").at(2).at("storyId") == "S3");
}

TEST_CASE("run loop: the epic-checkpoint workflow halts after each completed epic") {
  CookHarness h;
  h.prd({"S1", "S2", "S3", "S4"}, {{"S1", "E1"}, {"S2", "E1"}, {"S3", "E2"}});
  h.config(json::array(), {{"workflow", "epic-checkpoint"}});
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  CHECK(h.of_kind("run_started").at(0).at("limits").at("workflow") == "epic-checkpoint");
  CHECK(h.kinds() == "run_started " + k_story + " " + k_story + " halted run_finished");
  CHECK(h.of_kind("halted").at(0) ==
        json{{"reason", "checkpoint"}, {"detail", "epic E1 is complete: review, then run cook again"}, {"epic", "E1"}});

  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  CHECK(h.kinds(2) == "run_started " + k_story + " halted run_finished");
  CHECK(h.of_kind("story_selected").at(2).at("storyId") == "S3");
  CHECK(h.of_kind("halted").at(1).at("epic") == "E2");

  // S4 has no epic: no checkpoint after it.
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds(3) == "run_started " + k_story + " phase_started run_finished");
  CHECK(h.state().at("checkpoints") == json::array({"E1", "E2"}));
}
