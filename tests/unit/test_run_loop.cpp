// The cook loop driven in-process (run::cook with a fake world, tests/unit/run_fakes.hpp): each test asserts the
// journal the loop writes, what it asked of the world, and the files it left.

#include <catch2/catch.hpp>

#include "run_fakes.hpp"

using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeSession;
using nlohmann::json;

TEST_CASE("run loop: one story through build, gate, verify and record") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array({{{"name", "test"}, {"run", "make test"}}}));
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started gate phase_finished phase_started session_launched session phase_finished verdict commit "
        "story_passed phase_started run_finished");
  REQUIRE(h.agents.sessions.size() == 2);
  CHECK(h.agents.sessions[0].role == "builder");
  CHECK(h.agents.sessions[0].story_id == "S1");
  CHECK(h.agents.sessions[1].role == "verifier");
  CHECK(h.processes.gates_run == std::vector<std::string>{"make test"});
  REQUIRE(h.repository.commits.size() == 2);
  CHECK(h.repository.commits[0].subject == "S1: Story S1 (build)");
  CHECK(h.repository.commits[1].subject == "S1: Story S1 (record passed)");
  CHECK(h.repository.commits[1].paths == std::vector<std::string>{".simmer/prd.json", ".simmer/progress.json"});
  CHECK(simmer::test::slurp(h.paths.prd).find("\"status\": \"passed\"") != std::string::npos);
  // The fake clock's time is the journal's: nothing waited.
  CHECK(h.clock.slept_ms == 0);
  CHECK(h.events().front().at("ts") == "2026-11-18T11:06:40.000Z");
}

TEST_CASE("run loop: a failed gate sends the story to FIX, which resumes the builder's session") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array({{{"name", "test"}, {"run", "make test"}}}));
  int runs = 0;
  h.processes.on_gate = [&](const std::string&, simmer::util::ProcessResult& r) {
    if (++runs == 1) {
      r.exit_code = 2;
      r.output_tail = "1 test failed\n";
    }
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  REQUIRE(h.agents.sessions.size() == 3);
  const FakeSession& fix = h.agents.sessions[1];
  CHECK(fix.role == "builder");
  CHECK(fix.attempt == 1);
  CHECK(fix.resume == std::optional<std::string>("sess-1"));
  CHECK(fix.prompt.find("1 test failed") != std::string::npos);
  auto gates = h.of_kind("gate");
  REQUIRE(gates.size() == 2);
  CHECK(gates[0].at("passed") == false);
  CHECK(gates[0].at("outputTail") == "1 test failed\n");
  CHECK(gates[1].at("passed") == true);
  REQUIRE(h.repository.commits.size() == 3);
  CHECK(h.repository.commits[1].subject == "S1: Story S1 (fix 1)");
}

TEST_CASE("run loop: a transient agent failure is retried after a backoff on the injected clock") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, simmer::agents::SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      rec.outcome = simmer::agents::Outcome::transient;
      rec.error = "overloaded";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto retries = h.of_kind("retry_scheduled");
  REQUIRE(retries.size() == 1);
  CHECK(retries[0].at("reason") == "transient");
  CHECK(retries[0].at("delayMs") == 1000);
  // The wait happened on the fake clock, to the millisecond the journal promised.
  CHECK(h.clock.slept_ms == 1000);
  CHECK(h.agents.sessions.size() == 3);
}
