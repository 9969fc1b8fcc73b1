// run/loop: steering requests in the loop, in-process with fakes (docs/loop.md "Steering a run"): a request the
// listener checked is claimed between two steps, journaled, applied (prd.json first), or refused; a pause holds the
// run at the Paused step until a resume arrives; a request whose sender was refused changes nothing.
#include <catch2/catch.hpp>

#include "run/control.hpp"
#include "run_fakes.hpp"
#include "store/control.hpp"

using nlohmann::json;
using simmer::agents::SessionRecord;
using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeSession;
using simmer::test::slurp;

namespace fs = std::filesystem;

namespace {

// A request as `simmer <action>` writes it, and the signal the listener would push for it.
simmer::run::SteerSignal ask(CookHarness& h, simmer::core::SteerAction action, std::optional<std::string> story,
                             std::optional<std::string> refused = std::nullopt) {
  static std::uint32_t nonce = 1;
  const fs::path file = simmer::store::write_steer_request(
      h.paths, simmer::store::SteerRequest{action, std::move(story), "cli", 1}, 4242, nonce++);
  return simmer::run::SteerSignal{file, std::move(refused)};
}

std::string status_of(const CookHarness& h, const std::string& id) {
  const json prd = json::parse(slurp(h.paths.prd));
  for (const auto& s : prd["stories"]) {
    if (s["id"] == id) {
      return s["status"];
    }
  }
  return "?";
}

}  // namespace

TEST_CASE("run loop: a pause asked during a story holds the run after it until a resume, a skip applied meanwhile") {
  using simmer::core::SteerAction;
  CookHarness h;
  h.prd({"S1", "S2", "S3"});
  simmer::run::SteerInbox inbox;
  simmer::run::CookOptions options;
  options.steer = &inbox;
  int waits = 0;
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1") {
      inbox.push(ask(h, SteerAction::pause, std::nullopt));
    }
    FakeAgents::write_handoff(s, "pass");
  };
  h.clock.on_sleep = [&] {
    // The Paused step sleeps until the inbox holds something: a skip (which does not end the pause), then a resume.
    ++waits;
    if (waits == 3) {
      inbox.push(ask(h, SteerAction::skip, std::string("S3")));
    } else if (waits == 6) {
      CHECK(h.state()["paused"] == true);
      CHECK(h.of_kind("story_selected").size() == 1);  // S2 has not started
      inbox.push(ask(h, SteerAction::resume, std::nullopt));
    }
  };
  auto r = h.cook(options);
  REQUIRE(r.ok());
  CHECK(*r == 11);  // S3 is blocked: skipped
  auto steered = h.of_kind("steered");
  REQUIRE(steered.size() == 3);
  CHECK(steered[0]["action"] == "pause");
  CHECK(steered[1] == json{{"action", "skip"},
                           {"storyId", "S3"},
                           {"by", "cli"},
                           {"request", ".simmer/control/claimed/000002-4242-2.json"}});
  CHECK(steered[2]["action"] == "resume");
  CHECK(waits >= 6);
  CHECK(status_of(h, "S1") == "passed");
  CHECK(status_of(h, "S2") == "passed");
  CHECK(status_of(h, "S3") == "blocked");
  CHECK(json::parse(slurp(h.paths.prd))["stories"][2]["blockedReason"] == "skipped by a person (simmer skip)");
  CHECK_FALSE(h.state().contains("paused"));
  // Claimed by a rename, each once.
  CHECK(fs::exists(h.paths.control / "claimed" / "000001-4242-1.json"));
  CHECK_FALSE(fs::exists(h.paths.control / "4242-1.json"));
  CHECK(h.seqs_contiguous());
}

TEST_CASE("run loop: a request whose sender was refused, or that is refused by the state, changes nothing") {
  using simmer::core::SteerAction;
  CookHarness h;
  h.prd({"S1", "S2"});
  simmer::run::SteerInbox inbox;
  simmer::run::CookOptions options;
  options.steer = &inbox;
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1") {
      inbox.push(ask(h, SteerAction::skip, std::string("S2"), std::string("sent by pid 7, a process of this run")));
      inbox.push(ask(h, SteerAction::retry, std::string("S2")));
      // Not JSON: set aside with a warning, never applied.
      simmer::test::spit(h.paths.control / "4242-99.json", "{not json");
      inbox.push(simmer::run::SteerSignal{h.paths.control / "4242-99.json", std::nullopt});
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook(options);
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto steered = h.of_kind("steered");
  REQUIRE(steered.size() == 2);
  CHECK(steered[0]["refused"] == "sent by pid 7, a process of this run");
  CHECK(steered[1]["refused"] == "story S2 is pending, not blocked: retry brings a blocked story back to pending");
  CHECK(status_of(h, "S2") == "passed");
  CHECK(fs::exists(h.paths.control / "rejected" / "4242-99.json"));
  bool warned = false;
  for (const auto& w : h.of_kind("warning")) {
    warned = warned || w["message"].get<std::string>().find("could not be read and was set aside") != std::string::npos;
  }
  CHECK(warned);
}

TEST_CASE("run loop: a stop request is journaled before the interruption") {
  using simmer::core::SteerAction;
  CookHarness h;
  h.prd({"S1"});
  simmer::run::SteerInbox inbox;
  simmer::run::CookOptions options;
  options.steer = &inbox;
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    // What the listener does for a checked stop: the inbox gets it and the cancel flag is raised.
    inbox.push(ask(h, SteerAction::stop, std::nullopt));
    h.signal = SIGUSR1;
    h.cancel = true;
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook(options);
  REQUIRE(r.ok());
  CHECK(*r == 130);
  const std::string kinds = h.kinds();
  CHECK(kinds.substr(kinds.size() - std::string("steered interrupted run_finished").size()) ==
        "steered interrupted run_finished");
  CHECK(h.of_kind("interrupted").at(0)["signal"] == "simmer stop");
}
