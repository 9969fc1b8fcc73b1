// The cook loop in-process (tests/unit/run_fakes.hpp): a run's start and its way out. Refusals before anything is
// written (a dirty tree, a detached HEAD), --allow-dirty and --allow-detached; a killed run's survivors stopped
// and its last session recovered; a storage failure that ends the cook with the journal intact; feedback notes
// claimed between stories.

#include <catch2/catch.hpp>

#include <cerrno>

#include "run_fakes.hpp"
#include "util/fs.hpp"

using nlohmann::json;
using simmer::agents::Outcome;
using simmer::agents::SessionRecord;
using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeRepository;
using simmer::test::FakeSession;
using simmer::test::Killed;
using simmer::test::slurp;

namespace fs = std::filesystem;

using simmer::test::contains;
using simmer::test::k_story;

namespace {

// Nothing of a refused cook is on disk: no journal, no state, no lock, no session.
void check_nothing_written(const CookHarness& h) {
  CHECK_FALSE(fs::exists(h.paths.events));
  CHECK_FALSE(fs::exists(h.paths.state));
  CHECK_FALSE(fs::exists(h.paths.lock));
  CHECK(h.agents.sessions.empty());
  CHECK(h.repository.commits.empty());
}

}  // namespace

TEST_CASE("run loop: a dirty work tree is refused with exit 2 before anything is written") {
  CookHarness h;
  h.prd({"S1"});
  h.repository.dirty = {"theirs.txt"};
  auto r = h.cook();
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().code == simmer::ExitCode::invalid_input);
  CHECK(r.failure().message == "the work tree has uncommitted changes (" + h.paths.root.string() +
                                   "): theirs.txt; commit or stash them, or run `simmer cook --allow-dirty` to leave "
                                   "them out of simmer's commits");
  check_nothing_written(h);

  // A long list names the first five.
  h.repository.dirty = {"a", "b", "c", "d", "e", "f", "g"};
  r = h.cook();
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.failure().message, "): a, b, c, d, e and 2 more; commit or stash them"));
  check_nothing_written(h);
}

TEST_CASE("run loop: --allow-dirty keeps the dirty paths out of simmer's commits") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.repository.dirty = {"notes/todo.md", "theirs.txt"};
  simmer::run::CookOptions options;
  options.allow_dirty = true;
  auto r = h.cook(options);
  REQUIRE(r.ok());
  CHECK(*r == 0);
  REQUIRE(h.repository.commits.size() == 4);
  for (const auto& c : h.repository.commits) {
    if (contains(c.subject, "(build)")) {
      CHECK(c.paths.empty());
      CHECK(c.excluded == std::vector<std::string>{"notes/todo.md", "theirs.txt"});
    } else {
      CHECK(c.paths == std::vector<std::string>{".simmer/prd.json", ".simmer/progress.json"});
    }
  }
}

TEST_CASE("run loop: a dirty tree in the middle of a story is the interrupted agent's work, and is committed") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      h.cancel = true;
      rec.outcome = Outcome::interrupted;
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  REQUIRE(*h.cook() == 130);
  h.cancel = false;
  h.repository.dirty = {"half-done.c"};
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  REQUIRE(h.repository.commits.size() == 2);
  CHECK(h.repository.commits[0].subject == "S1: Story S1 (build)");
  CHECK(h.repository.commits[0].excluded.empty());
}

TEST_CASE("run loop: a detached HEAD is refused with exit 2 unless allowed, and then the run commits on it") {
  CookHarness h;
  h.prd({"S1"});
  const std::string sha = "1234567890ab1234567890ab1234567890ab1234";
  h.repository.move_head({"", sha});
  auto r = h.cook();
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().code == simmer::ExitCode::invalid_input);
  CHECK(r.failure().message == "HEAD is detached (" + h.paths.root.string() +
                                   ") at 1234567890ab: simmer commits every attempt on the checked-out branch; check "
                                   "out a branch (`git switch -c NAME`), or run `simmer cook --allow-detached`");
  check_nothing_written(h);

  simmer::run::CookOptions options;
  options.allow_detached = true;
  r = h.cook(options);
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.of_kind("run_started").at(0).at("head") == json{{"branch", ""}, {"sha", sha}});
  CHECK(h.repository.commits.size() == 2);
  // Staying detached is not tampering, and HEAD was never attached to a branch.
  CHECK(h.of_kind("tamper_detected").empty());
  CHECK(h.repository.head().branch.empty());
}

TEST_CASE("run loop: a killed run's survivors are stopped first and its unfinished session is recorded") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (h.agents.sessions.size() == 1) {
      throw Killed{};  // kill -9 of simmer while the builder works
    }
    FakeAgents::write_handoff(s, "pass");
  };
  REQUIRE_THROWS_AS(h.cook(), Killed);
  auto first = h.events();
  REQUIRE(first.back().at("kind") == "session_launched");
  const std::string killed_run = first.back().at("runId");
  const json launched = first.back().at("data");

  // What the killed run left running: its agent's group and an escapee found by SIMMER_RUN_ID.
  h.processes.left_running = {4242, 5151};
  h.agents.recovered_tokens.input = 1000;
  h.agents.recovered_tokens.output = 500;
  h.agents.recovered_cost = 0.007;
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  // The journaled group is what the sweep was asked about.
  REQUIRE(h.processes.asked_survivors.size() == 1);
  CHECK(h.processes.asked_survivors[0] == std::pair<int, std::string>{4242, killed_run});
  CHECK(h.processes.stopped == std::vector<int>{4242, 5151});
  // The new run says what it stopped, records the killed session, then builds again.
  CHECK(h.kinds(2) ==
        "run_started warning agents_stopped session phase_started session_launched session "
        "phase_finished handoff_accepted commit phase_started session_launched session phase_finished "
        "verdict commit story_passed phase_started run_finished");
  CHECK(h.of_kind("warning").at(0) ==
        json{{"message", "stopped 2 processes left running by the killed run " + killed_run + " (pids 4242, 5151)"}});
  CHECK(h.of_kind("agents_stopped").at(0) == json{{"runId", killed_run}, {"pids", {4242, 5151}}, {"forced", false}});
  json recovered = h.of_kind("session").at(0);
  CHECK(recovered.at("recovered") == true);
  CHECK(recovered.at("role") == "builder");
  CHECK(recovered.at("storyId") == "S1");
  CHECK(recovered.at("attempt") == 0);
  CHECK(recovered.at("agent") == "script");
  CHECK(recovered.at("outcome") == "interrupted");
  CHECK(recovered.at("error") == "simmer was killed during this session; its spend is what its transcript shows");
  CHECK(recovered.at("tokens") == json{{"input", 1000}, {"output", 500}, {"cacheRead", 0}, {"cacheWrite", 0}});
  CHECK(recovered.at("costUsd") == 0.007);
  CHECK(recovered.at("transcript") == launched.at("transcript"));
  CHECK(h.agents.recovered_agents == std::vector<std::string>{"script"});
  // Its spend counts.
  CHECK(h.state().at("stories").at("S1").at("costUsd").get<double>() == Approx(0.027));
  CHECK(h.seqs_contiguous());
}

TEST_CASE("run loop: a killed run's session that had finished is recorded from its transcript and its hand-off used") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    FakeAgents::write_handoff(s, "pass");
    if (h.agents.sessions.size() == 1) {
      throw Killed{};  // the session ended; simmer died before recording it
    }
  };
  REQUIRE_THROWS_AS(h.cook(), Killed);
  h.agents.recovered_finished = true;
  h.agents.recovered_session_id = "sess-killed";
  h.agents.recovered_cost = 0.01;
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  // Nothing was left running: no warning, no agents_stopped; the builder is not run again.
  CHECK(h.kinds(2) ==
        "run_started session handoff_accepted commit phase_started session_launched session "
        "phase_finished verdict commit story_passed phase_started run_finished");
  json recovered = h.of_kind("session").at(0);
  CHECK(recovered.at("recovered") == true);
  CHECK(recovered.at("outcome") == "success");
  CHECK(recovered.at("sessionId") == "sess-killed");
  CHECK(h.processes.stopped.empty());
  REQUIRE(h.agents.sessions.size() == 2);
  CHECK(h.agents.sessions[1].role == "verifier");
}

TEST_CASE("run loop: a git storage failure ends the cook with exit 6, the journal intact, and the next cook commits") {
  CookHarness h;
  h.prd({"S1"});
  const std::string message = "git add failed (" + h.paths.root.string() +
                              "): error: " + simmer::util::errno_text(ENOSPC) + "\nfatal: adding files failed";
  h.repository.on_commit =
      [&](const FakeRepository::Commit&) -> std::optional<simmer::Result<simmer::run::CommitOutcome>> {
    return simmer::Result<simmer::run::CommitOutcome>(simmer::Failure{message, simmer::ExitCode::failure});
  };
  try {
    h.cook();
    FAIL("cook returned");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == simmer::ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) == message);
  }
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted");
  CHECK(h.seqs_contiguous());
  // state.json agrees with the journal for `simmer status`.
  CHECK(h.state().at("seq") == h.events().back().at("seq"));
  CHECK(slurp(h.paths.lock).empty());  // released

  // Space freed: the next cook resumes at the commit, without building again.
  h.repository.on_commit = nullptr;
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds(2) ==
        "run_started commit phase_started session_launched session phase_finished verdict commit "
        "story_passed phase_started run_finished");
  CHECK(h.agents.sessions.size() == 2);
  CHECK(h.repository.commits.at(0).subject == "S1: Story S1 (build)");
}

TEST_CASE("run loop: a git failure that is not about storage keeps its own exit code") {
  CookHarness h;
  h.prd({"S1"});
  h.repository.on_commit =
      [&](const FakeRepository::Commit&) -> std::optional<simmer::Result<simmer::run::CommitOutcome>> {
    return simmer::Result<simmer::run::CommitOutcome>(
        simmer::Failure{"git commit failed: fatal: bad object HEAD", simmer::ExitCode::failure});
  };
  try {
    h.cook();
    FAIL("cook returned");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == simmer::ExitCode::failure);
  }
}

TEST_CASE("run loop: feedback notes are claimed before the next pick and reach that story's builder") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.drop_note(".simmer/feedback.md", "Keep it small.\n");
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1") {
      h.drop_note(".simmer/inbox/note.md", "Please use tabs.\n");
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started feedback_claimed " + k_story + " feedback_claimed " + k_story + " phase_started run_finished");
  auto claims = h.of_kind("feedback_claimed");
  REQUIRE(claims.size() == 2);
  CHECK(
      claims[0] ==
      json{
          {"files",
           {{{"path", ".simmer/feedback/claimed/000001-feedback.md"}, {"bytes", 15}, {"preview", "Keep it small."}}}}});
  CHECK(claims[1] == json{{"files",
                           {{{"path", ".simmer/feedback/claimed/000002-inbox-note.md"},
                             {"bytes", 17},
                             {"preview", "Please use tabs."}}}}});
  // Claimed by a rename: gone from where they were dropped, each read once.
  CHECK_FALSE(fs::exists(h.paths.feedback));
  CHECK_FALSE(fs::exists(h.paths.inbox / "note.md"));
  CHECK(slurp(h.paths.claimed / "000002-inbox-note.md") == "Please use tabs.\n");
  // Each note goes to the builder of the story selected after it, and to no other.
  const std::string& s1 = h.agents.sessions.at(0).prompt;
  const std::string& s2 = h.agents.sessions.at(2).prompt;
  CHECK(contains(s1, "From .simmer/feedback/claimed/000001-feedback.md:\nKeep it small.\n"));
  CHECK_FALSE(contains(s1, "Please use tabs."));
  CHECK(contains(s2, "From .simmer/feedback/claimed/000002-inbox-note.md:\nPlease use tabs.\n"));
  CHECK_FALSE(contains(s2, "Keep it small."));
}

TEST_CASE("run loop: a note still being written waits for the next orchestration") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "builder" && s.story_id == "S1") {
      h.drop_note(".simmer/inbox/note.md", "half a thought", 500);
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.of_kind("feedback_claimed").empty());
  CHECK(fs::exists(h.paths.inbox / "note.md"));
}

// cook() works out the foreign paths only between stories (mid-story the changes are the interrupted agent's): a
// resumed run inherits them from the run_started of the run it resumes, and journals them again.
TEST_CASE("run loop: a resumed --allow-dirty run still keeps the human's paths out of the build commit") {
  CookHarness h;
  h.prd({"S1"});
  h.repository.dirty = {"theirs.txt"};
  simmer::run::CookOptions options;
  options.allow_dirty = true;
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (h.agents.sessions.size() == 1) {
      h.cancel = true;
      rec.outcome = Outcome::interrupted;
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  REQUIRE(*h.cook(options) == 130);
  h.cancel = false;
  h.repository.dirty = {"half-done.c", "theirs.txt"};
  REQUIRE(*h.cook(options) == 0);
  CHECK(h.repository.commits.at(0).excluded == std::vector<std::string>{"theirs.txt"});
  auto starts = h.of_kind("run_started");
  REQUIRE(starts.size() == 2);
  for (const auto& start : starts) {
    CHECK(start["foreign"] == json::array({"theirs.txt"}));
  }
}

TEST_CASE("run loop: a run with a clean tree journals no foreign paths") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) { FakeAgents::write_handoff(s, "pass"); };
  REQUIRE(*h.cook() == 0);
  auto starts = h.of_kind("run_started");
  REQUIRE(starts.size() == 1);
  CHECK_FALSE(starts[0].contains("foreign"));
}
