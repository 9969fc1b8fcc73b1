// The cook loop in-process (tests/unit/run_fakes.hpp): waiting and stopping. Transient failures are retried after
// 1 s, 2 s, 4 s... (at most 30 s), then halt the run; a usage limit waits until its reset (30 s when unknown);
// SIGINT/SIGTERM during a session, a retry wait or a gate journals the interruption, exits 130, and the next cook
// resumes where it stopped. Every wait is on the fake clock, so the tests check it to the millisecond.

#include <catch2/catch.hpp>

#include <csignal>

#include "run_fakes.hpp"

using nlohmann::json;
using simmer::agents::Outcome;
using simmer::agents::SessionRecord;
using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeSession;

namespace {

// The rest of a one-story run once its build session succeeded (no gates).
const std::string k_rest_of_story =
    "handoff_accepted commit phase_started session_launched session phase_finished verdict commit story_passed "
    "phase_started run_finished";

std::vector<std::int64_t> delays(const CookHarness& h) {
  std::vector<std::int64_t> out;
  for (const auto& e : h.of_kind("retry_scheduled")) {
    out.push_back(e.at("delayMs").get<std::int64_t>());
  }
  return out;
}

}  // namespace

TEST_CASE("run loop: a transient agent failure is retried after a backoff on the injected clock") {
  CookHarness h;
  h.prd({"S1"});
  const std::int64_t t0 = h.clock.now_ms();
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      rec.outcome = Outcome::transient;
      rec.error = "overloaded";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished retry_scheduled "
        "phase_started session_launched session phase_finished " +
            k_rest_of_story);
  CHECK(h.of_kind("retry_scheduled").at(0) ==
        json{{"phase", "build"}, {"reason", "transient"}, {"delayMs", 1000}, {"retry", 1}, {"notBeforeMs", t0 + 1000}});
  CHECK(h.of_kind("session").at(0).at("outcome") == "transient");
  CHECK(h.of_kind("session").at(0).at("error") == "overloaded");
  // The wait happened on the fake clock, to the millisecond the journal promised.
  CHECK(h.clock.slept_ms == 1000);
  REQUIRE(h.agents.sessions.size() == 3);
  CHECK(h.agents.sessions[1].started_ms == t0 + 1000);
  // A session that failed transiently may never have started: the retry is a fresh launch.
  CHECK(h.agents.sessions[1].resume == std::nullopt);
  CHECK(h.agents.sessions[1].env.at("SIMMER_RETRY") == "1");
}

TEST_CASE("run loop: transient retries back off 1 s, 2 s, 4 s, 8 s, 16 s, then 30 s at most") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array(), {{"retries", {{"transient", 6}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() <= 6) {
      rec.outcome = Outcome::transient;
      rec.error = "overloaded";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(delays(h) == std::vector<std::int64_t>{1000, 2000, 4000, 8000, 16000, 30000});
  auto retries = h.of_kind("retry_scheduled");
  REQUIRE(h.agents.sessions.size() == 8);
  for (std::size_t i = 0; i < retries.size(); ++i) {
    CHECK(retries[i].at("retry") == i + 1);
    // Each retried launch happened exactly when its retry_scheduled said it would.
    CHECK(h.agents.sessions[i + 1].started_ms == retries[i].at("notBeforeMs").get<std::int64_t>());
    CHECK(h.agents.sessions[i + 1].env.at("SIMMER_RETRY") == std::to_string(i + 1));
  }
  CHECK(h.clock.slept_ms == 61000);
}

TEST_CASE("run loop: a transient failure past the retries halts the run without blocking the story") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array(), {{"retries", {{"transient", 2}}}});
  h.agents.script = [&](const FakeSession&, SessionRecord& rec) {
    rec.outcome = Outcome::transient;
    rec.error = "overloaded";
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 10);
  // No halted event: the third transient session halts the run by itself (docs/events.md).
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished retry_scheduled "
        "phase_started session_launched session phase_finished retry_scheduled "
        "phase_started session_launched session phase_finished run_finished");
  CHECK(delays(h) == std::vector<std::int64_t>{1000, 2000});
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "halted"}, {"exitCode", 10}});
  json state = h.state();
  CHECK(state.at("halt") == json{{"reason", "transient"},
                                 {"detail", "the builder failed 3 times in a row: overloaded"},
                                 {"resumePhase", "build"}});
  CHECK(state.at("stories").at("S1").at("status") == "pending");
  CHECK(h.repository.commits.empty());
}

TEST_CASE("run loop: a usage limit with a known reset waits until then and resumes the session") {
  CookHarness h;
  h.prd({"S1"});
  const std::int64_t t0 = h.clock.now_ms();
  const std::int64_t reset = t0 + 2 * 3600 * 1000;
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      rec.outcome = Outcome::usage_limit;
      rec.error = "5-hour limit reached";
      rec.reset_at_ms = reset;
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished retry_scheduled "
        "phase_started session_launched session phase_finished " +
            k_rest_of_story);
  CHECK(h.of_kind("session").at(0).at("resetAtMs") == reset);
  CHECK(h.of_kind("retry_scheduled").at(0) == json{{"phase", "build"},
                                                   {"reason", "usage_limit"},
                                                   {"delayMs", 2 * 3600 * 1000},
                                                   {"retry", 1},
                                                   {"notBeforeMs", reset}});
  CHECK(h.clock.slept_ms == 2 * 3600 * 1000);
  REQUIRE(h.agents.sessions.size() == 3);
  CHECK(h.agents.sessions[1].started_ms == reset);
  // The limit cut the session short; it goes on where it was.
  CHECK(h.agents.sessions[1].resume == std::optional<std::string>("sess-1"));
}

TEST_CASE("run loop: a usage limit with an unknown reset waits 30 s") {
  CookHarness h;
  h.prd({"S1"});
  const std::int64_t t0 = h.clock.now_ms();
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() <= 2) {
      rec.outcome = Outcome::usage_limit;
      rec.error = "rate limited";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto retries = h.of_kind("retry_scheduled");
  REQUIRE(retries.size() == 2);
  CHECK(retries[0] == json{{"phase", "build"},
                           {"reason", "usage_limit"},
                           {"delayMs", 30000},
                           {"retry", 1},
                           {"notBeforeMs", t0 + 30000}});
  // Usage waits are not transient retries: no backoff, and no limit that halts the run.
  CHECK(retries[1].at("delayMs") == 30000);
  CHECK(retries[1].at("retry") == 2);
  CHECK(h.of_kind("session").at(0).contains("resetAtMs") == false);
  CHECK(h.clock.slept_ms == 60000);
}

TEST_CASE("run loop: a signal during a session journals the interruption, exits 130, and the next cook resumes it") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      // The handler raises the flag; the supervisor stops the agent's group and reports the session interrupted.
      h.signal = SIGTERM;
      h.cancel = true;
      rec.outcome = Outcome::interrupted;
      rec.error = "interrupted";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 130);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished interrupted run_finished");
  CHECK(h.of_kind("session").at(0).at("outcome") == "interrupted");
  CHECK(h.of_kind("interrupted").at(0) == json{{"signal", "SIGTERM"}});
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "interrupted"}, {"exitCode", 130}});
  CHECK(h.state().at("running") == false);
  CHECK(h.repository.commits.empty());

  h.cancel = false;
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  // Resumed at S1's build: not selected again, and the interrupted session's attempt is the one built.
  CHECK(h.kinds(2) == "run_started phase_started session_launched session phase_finished " + k_rest_of_story);
  json start = h.of_kind("run_started").at(1);
  CHECK(start.at("resumed") == true);
  CHECK(start.at("phase") == "build");
  CHECK(start.at("storyId") == "S1");
  CHECK(h.of_kind("phase_started").at(1) == json{{"phase", "build"}, {"storyId", "S1"}, {"attempt", 0}});
  CHECK(h.of_kind("story_passed").at(0).at("attempts") == 1);
  CHECK(h.seqs_contiguous());
}

TEST_CASE("run loop: a signal during a retry wait exits 130 and the next cook waits only what is left") {
  CookHarness h;
  h.prd({"S1"});
  const std::int64_t t0 = h.clock.now_ms();
  const std::int64_t reset = t0 + 600000;
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      rec.outcome = Outcome::usage_limit;
      rec.reset_at_ms = reset;
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  h.clock.on_sleep = [&] { h.cancel = true; };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 130);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished retry_scheduled "
        "interrupted run_finished");
  CHECK(h.of_kind("interrupted").at(0) == json{{"signal", "SIGINT"}});
  // The wait sleeps in short steps so that a signal is seen at once.
  CHECK(h.clock.slept_ms == 50);
  CHECK(h.agents.sessions.size() == 1);
  // status shows the scheduled retry meanwhile.
  CHECK(h.state().at("notBeforeMs") == reset);

  h.cancel = false;
  h.clock.on_sleep = nullptr;
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  // The retry is not scheduled again: the journaled time stands, and the session starts exactly then.
  CHECK(h.kinds(2) == "run_started phase_started session_launched session phase_finished " + k_rest_of_story);
  CHECK(h.of_kind("run_started").at(1).at("phase") == "build");
  REQUIRE(h.agents.sessions.size() == 3);
  CHECK(h.agents.sessions[1].started_ms == reset);
  CHECK(h.agents.sessions[1].resume == std::optional<std::string>("sess-1"));
  CHECK(h.clock.slept_ms == 50 + (reset - (t0 + 50 + h.between_cooks_ms)));
}

TEST_CASE("run loop: a signal during a gate exits 130 without a verdict on the gate, and the next cook runs it again") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array({{{"name", "test"}, {"run", "make test"}}}));
  h.processes.on_gate = [&](const std::string&, simmer::util::ProcessResult& r) {
    if (h.processes.gates_run.size() == 1) {
      h.cancel = true;
      r.cancelled = true;
      r.exit_code = -1;
    }
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 130);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started interrupted run_finished");

  h.cancel = false;
  r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.of_kind("run_started").at(1).at("phase") == "gates");
  CHECK(h.kinds(2) ==
        "run_started phase_started gate phase_finished phase_started session_launched session phase_finished verdict "
        "commit story_passed phase_started run_finished");
  CHECK(h.processes.gates_run == std::vector<std::string>{"make test", "make test"});
  CHECK(h.of_kind("gate").size() == 1);
  CHECK(h.of_kind("gate").at(0).at("passed") == true);
}
