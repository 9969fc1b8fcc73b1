// The cook loop in-process (tests/unit/run_fakes.hpp): the hand-off contract. A hand-off that is missing, not
// valid against its schema, or bound to another story or attempt is refused with the exact errors, and the same
// session is resumed to repair it, told those errors; when the repairs are spent the attempt fails.

#include <catch2/catch.hpp>

#include "run_fakes.hpp"

using nlohmann::json;
using simmer::agents::SessionRecord;
using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeSession;

using simmer::test::contains;

namespace {

// A builder whose first hand-off (repair 0 of attempt 0 of S1) is `first`, written as is ("" writes nothing);
// every other session writes a valid one.
void first_build_handoff(CookHarness& h, const std::string& first) {
  h.agents.script = [&h, first](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1" && s.attempt == 0 && s.env.at("SIMMER_REPAIR") == "0") {
      if (!first.empty()) {
        simmer::test::spit(s.handoff, first);
      }
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
}

// The kinds of a story whose build hand-off needed one repair.
const std::string k_repaired =
    "run_started story_selected phase_started session_launched session phase_finished handoff_invalid "
    "phase_started session_launched session phase_finished handoff_accepted commit "
    "phase_started session_launched session phase_finished verdict commit story_passed phase_started run_finished";

// What every repaired-once case checks: the refusal's errors, and a repair that resumed the builder's session,
// was told them, and was accepted.
void check_one_repair(const CookHarness& h, const std::vector<std::string>& errors) {
  CHECK(h.kinds() == k_repaired);
  CHECK(
      h.of_kind("handoff_invalid").at(0) ==
      json{{"role", "builder"}, {"file", ".simmer/build.json"}, {"errors", errors}, {"repair", 1}, {"maxRepairs", 2}});
  REQUIRE(h.agents.sessions.size() == 3);
  const FakeSession& repair = h.agents.sessions[1];
  CHECK(repair.role == "builder");
  CHECK(repair.attempt == 0);
  CHECK(repair.resume == std::optional<std::string>("sess-1"));
  CHECK(repair.env.at("SIMMER_REPAIR") == "1");
  for (const auto& e : errors) {
    CHECK(contains(repair.prompt, "- " + e + "\n"));
  }
  CHECK(contains(repair.prompt, "The hand-off file you wrote is invalid"));
  CHECK(h.of_kind("handoff_accepted").at(0) ==
        json{{"role", "builder"}, {"file", ".simmer/build.json"}, {"storyId", "S1"}, {"attempt", 0}});
  // A repair is not an attempt: the story passed on its first.
  CHECK(h.of_kind("story_passed").at(0).at("attempts") == 1);
}

}  // namespace

TEST_CASE("run loop: a hand-off the builder did not write is repaired by the same session") {
  CookHarness h;
  h.prd({"S1"});
  first_build_handoff(h, "");
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  check_one_repair(h, {".simmer/build.json: the builder did not write it"});
}

TEST_CASE("run loop: a hand-off that is not JSON is repaired by the same session") {
  CookHarness h;
  h.prd({"S1"});
  first_build_handoff(h, "this is not json");
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  check_one_repair(h, {".simmer/build.json:1:1: expected a JSON value, found 'this'"});
}

TEST_CASE("run loop: a hand-off that breaks its schema is repaired by the same session") {
  CookHarness h;
  h.prd({"S1"});
  // No summary, and filesChanged is not a list.
  first_build_handoff(h, json{{"schemaVersion", 1},
                              {"storyId", "S1"},
                              {"attempt", 0},
                              {"filesChanged", "a.txt"},
                              {"testsAdded", json::array()},
                              {"patterns", json::array()}}
                             .dump());
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  check_one_repair(h, {".simmer/build.json#: expected property \"summary\", found nothing",
                       ".simmer/build.json#/filesChanged: expected an array, found \"a.txt\""});
}

TEST_CASE("run loop: a hand-off bound to another story is refused with the exact error and repaired") {
  CookHarness h;
  h.prd({"S1"});
  first_build_handoff(h, json{{"schemaVersion", 1},
                              {"storyId", "WRONG"},
                              {"attempt", 0},
                              {"summary", "s"},
                              {"filesChanged", json::array()},
                              {"testsAdded", json::array()},
                              {"patterns", json::array()}}
                             .dump());
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  check_one_repair(h, {".simmer/build.json#/storyId: expected \"S1\", found \"WRONG\""});
}

TEST_CASE("run loop: a FIX hand-off that names an earlier attempt is refused and repaired before its commit") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "verifier" && s.attempt == 0) {
      FakeAgents::write_handoff(s, "fail_retry");
    } else if (s.role == "builder" && s.attempt == 1 && s.env.at("SIMMER_REPAIR") == "0") {
      FakeSession stale = s;
      stale.attempt = 0;  // last attempt's report, left as it was
      FakeAgents::write_handoff(stale, "pass");
    } else {
      FakeAgents::write_handoff(s, "pass");
    }
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto invalid = h.of_kind("handoff_invalid");
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0].at("errors") == json::array({".simmer/build.json#/attempt: expected 1, found 0"}));
  // The refused hand-off is not committed: FIX's commit follows the repaired one only.
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict "
        "phase_started session_launched session phase_finished handoff_invalid "
        "phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict commit story_passed phase_started "
        "run_finished");
  auto accepted = h.of_kind("handoff_accepted");
  REQUIRE(accepted.size() == 2);
  CHECK(accepted[1].at("attempt") == 1);
  REQUIRE(h.agents.sessions.size() == 5);
  CHECK(h.agents.sessions[3].resume == std::optional<std::string>("sess-1"));
  CHECK(h.agents.sessions[3].attempt == 1);
  CHECK(h.repository.commits.size() == 3);
}

TEST_CASE("run loop: when the repairs are spent the attempt fails as a contract violation and the next story runs") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.config(json::array(), {{"retries", {{"fix", 0}, {"contract", 1}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1") {
      simmer::test::spit(s.handoff, "this is not json");
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 11);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_invalid "
        "phase_started session_launched session phase_finished handoff_invalid commit story_blocked "
        "story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict commit story_passed phase_started "
        "run_finished");
  auto invalid = h.of_kind("handoff_invalid");
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[0].at("repair") == 1);
  CHECK(invalid[0].at("maxRepairs") == 1);
  CHECK(invalid[1].at("repair") == 2);
  CHECK(invalid[1].at("maxRepairs") == 1);
  CHECK(invalid[1].at("errors") == invalid[0].at("errors"));
  CHECK(
      h.of_kind("story_blocked").at(0) ==
      json{{"storyId", "S1"},
           {"reason", "gave up after 1 attempt: contract_violation: .simmer/build.json still invalid after 1 repair"}});
  // Nothing of the invalid attempt was committed but the record.
  CHECK(h.repository.commits.at(0).subject == "S1: Story S1 (record blocked)");
  // Both of S1's builder sessions were the same session.
  REQUIRE(h.agents.sessions.size() == 4);
  CHECK(h.agents.sessions[1].resume == std::optional<std::string>("sess-1"));
  CHECK(h.of_kind("story_passed").at(0).at("storyId") == "S2");
}

TEST_CASE("run loop: a verifier that never writes a valid verdict blocks the story when its repairs are spent") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array(), {{"retries", {{"contract", 1}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder") {
      FakeAgents::write_handoff(s, "pass");
    }
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 11);
  auto invalid = h.of_kind("handoff_invalid");
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[0] == json{{"role", "verifier"},
                           {"file", ".simmer/verdict.json"},
                           {"errors", {".simmer/verdict.json: the verifier did not write it"}},
                           {"repair", 1},
                           {"maxRepairs", 1}});
  // A verifier's broken contract is not the build's fault: no FIX, the story is blocked with the reason.
  CHECK(h.of_kind("story_blocked").at(0) ==
        json{{"storyId", "S1"}, {"reason", "contract_violation: .simmer/verdict.json still invalid after 1 repair"}});
  REQUIRE(h.agents.sessions.size() == 3);
  CHECK(h.agents.sessions[2].role == "verifier");
  CHECK(h.agents.sessions[2].resume == std::optional<std::string>("sess-2"));
}
