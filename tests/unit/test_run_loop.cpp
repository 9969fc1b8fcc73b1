// The cook loop driven in-process (run::cook with a fake world, tests/unit/run_fakes.hpp): each test asserts the
// journal the loop writes, what it asked of the world, and the files it left. This file: a story's way through
// BUILD, GATES, VERIFY, FIX and RECORD, and who picks it. The other test_run_loop_*.cpp files: hand-off repairs,
// waits and interrupts, halts, tampering, and the checks and recoveries at the start of a run.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "run_fakes.hpp"
#include "util/sha256.hpp"

using nlohmann::json;
using simmer::agents::SessionRecord;
using simmer::test::CookHarness;
using simmer::test::FakeAgents;
using simmer::test::FakeRepository;
using simmer::test::FakeSession;

using simmer::test::contains;
using simmer::test::k_story;

namespace {

// One story without gates, from its selection to story_passed.
std::vector<std::string> subjects(const FakeRepository& repo) {
  std::vector<std::string> out;
  for (const auto& c : repo.commits) {
    out.push_back(c.subject);
  }
  return out;
}

std::vector<std::string> selected(const CookHarness& h) {
  std::vector<std::string> out;
  for (const auto& e : h.of_kind("story_selected")) {
    out.push_back(e.at("storyId").get<std::string>() + " by " + e.at("by").get<std::string>());
  }
  return out;
}

// "role story/attempt" of each session the fake launched, in order.
std::vector<std::string> launched(const CookHarness& h) {
  std::vector<std::string> out;
  for (const auto& s : h.agents.sessions) {
    out.push_back(s.role + " " + s.story_id + "/" + std::to_string(s.attempt));
  }
  return out;
}

}  // namespace

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
  // run_started pins what the run works with: the PRD, the limits, the inputs' hashes and the branch.
  json start = h.of_kind("run_started").at(0);
  CHECK(start.at("resumed") == false);
  CHECK(start.at("phase") == "orchestrate");
  CHECK(start.at("storyId") == nullptr);
  CHECK(start.at("stories") == json::array({{{"id", "S1"},
                                             {"title", "Story S1"},
                                             {"priority", 1},
                                             {"dependencies", json::array()},
                                             {"epic", ""},
                                             {"status", "pending"},
                                             {"reason", ""}}}));
  CHECK(start.at("limits").at("gates") == json::array({"test"}));
  CHECK(start.at("limits").at("harnessOrchestrator") == true);
  CHECK(start.at("inputs") ==
        json::array(
            {{{"file", "scenario.json"}, {"sha256", nullptr}},
             {{"file", "simmer.json"}, {"sha256", simmer::util::sha256_hex(simmer::test::slurp(h.paths.config))}}}));
  CHECK(start.at("head") == json{{"branch", "refs/heads/main"}, {"sha", FakeRepository::k_root_sha}});
  REQUIRE(h.agents.sessions.size() == 2);
  CHECK(h.agents.sessions[0].role == "builder");
  CHECK(h.agents.sessions[0].story_id == "S1");
  CHECK(h.agents.sessions[0].resume == std::nullopt);
  CHECK(h.agents.sessions[1].role == "verifier");
  CHECK(h.processes.gates_run == std::vector<std::string>{"make test"});
  json gate = h.of_kind("gate").at(0);
  CHECK(gate == json{{"name", "test"},
                     {"storyId", "S1"},
                     {"attempt", 0},
                     {"exitCode", 0},
                     {"passed", true},
                     {"timedOut", false},
                     {"durationMs", 5},
                     {"outputTail", ""}});
  REQUIRE(h.repository.commits.size() == 2);
  CHECK(h.repository.commits[0].subject == "S1: Story S1 (build)");
  CHECK(h.repository.commits[0].paths.empty());  // the work tree
  CHECK(h.repository.commits[1].subject == "S1: Story S1 (record passed)");
  CHECK(h.repository.commits[1].paths == std::vector<std::string>{".simmer/prd.json", ".simmer/progress.json"});
  // Each commit carries the run and the seq of the event that decided it (the trailers that make it idempotent).
  auto accepted = h.events()[6];
  REQUIRE(accepted.at("kind") == "handoff_accepted");
  CHECK(h.repository.commits[0].seq == accepted.at("seq"));
  CHECK(h.repository.commits[0].run_id == accepted.at("runId"));
  CHECK(h.of_kind("commit").at(0) == json{{"storyId", "S1"},
                                          {"attempt", 0},
                                          {"kind", "build"},
                                          {"sha", h.repository.commits[0].sha},
                                          {"subject", "S1: Story S1 (build)"}});
  CHECK(h.of_kind("story_passed").at(0) == json{{"storyId", "S1"}, {"attempts", 1}, {"costUsd", 0.02}});
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "passed"}, {"exitCode", 0}});
  CHECK(contains(simmer::test::slurp(h.paths.prd), "\"status\": \"passed\""));
  CHECK(h.seqs_contiguous());
  // state.json is the fold of the journal, written on the way out.
  CHECK(h.state().at("seq") == h.events().back().at("seq"));
  // The fake clock's time is the journal's: nothing waited.
  CHECK(h.clock.slept_ms == 0);
  CHECK(h.events().front().at("ts") == "2026-11-18T11:06:40.000Z");
}

TEST_CASE("run loop: stories run by priority among those whose dependencies passed") {
  CookHarness h;
  // Priorities in order: A 1, C 2, B 3. A waits for B, so C goes first, then B, then A.
  h.prd({"A:B", "C", "B"});
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() == "run_started " + k_story + " " + k_story + " " + k_story + " phase_started run_finished");
  CHECK(selected(h) == std::vector<std::string>{"C by harness", "B by harness", "A by harness"});
  CHECK(subjects(h.repository) == std::vector<std::string>{"C: Story C (build)", "C: Story C (record passed)",
                                                           "B: Story B (build)", "B: Story B (record passed)",
                                                           "A: Story A (build)", "A: Story A (record passed)"});
  // Every story's sessions are its own: fresh, never resuming another story's.
  for (const auto& s : h.agents.sessions) {
    CHECK(s.resume == std::nullopt);
  }
  CHECK(h.of_kind("phase_started").back() == json{{"phase", "done"}, {"storyId", nullptr}, {"attempt", 0}});
  auto prd = json::parse(simmer::test::slurp(h.paths.prd));
  for (const auto& s : prd.at("stories")) {
    CHECK(s.at("status") == "passed");
  }
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
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started gate phase_finished "
        // FIX: no verifier was paid for the failed build
        "phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started gate phase_finished phase_started session_launched session phase_finished verdict commit "
        "story_passed phase_started run_finished");
  CHECK(launched(h) == std::vector<std::string>{"builder S1/0", "builder S1/1", "verifier S1/1"});
  const FakeSession& fix = h.agents.sessions[1];
  CHECK(fix.resume == std::optional<std::string>("sess-1"));
  CHECK(contains(fix.prompt, "gate \"test\" failed (exit 2)"));
  CHECK(contains(fix.prompt, "1 test failed"));
  auto gates = h.of_kind("gate");
  REQUIRE(gates.size() == 2);
  CHECK(gates[0].at("passed") == false);
  CHECK(gates[0].at("exitCode") == 2);
  CHECK(gates[0].at("outputTail") == "1 test failed\n");
  CHECK(gates[1].at("passed") == true);
  CHECK(gates[1].at("attempt") == 1);
  CHECK(h.of_kind("phase_finished")[1] ==
        json{{"phase", "gates"}, {"storyId", "S1"}, {"attempt", 0}, {"durationMs", 5}, {"outcome", "failed"}});
  CHECK(h.of_kind("phase_started")[2] == json{{"phase", "fix"}, {"storyId", "S1"}, {"attempt", 1}});
  CHECK(subjects(h.repository) ==
        std::vector<std::string>{"S1: Story S1 (build)", "S1: Story S1 (fix 1)", "S1: Story S1 (record passed)"});
  json passed = h.of_kind("story_passed").at(0);
  CHECK(passed.at("attempts") == 2);
  CHECK(passed.at("costUsd").get<double>() == Approx(0.03));
}

TEST_CASE("run loop: a verifier's fail_retry sends the story to FIX with the verdict, and the fix passes") {
  CookHarness h;
  h.prd({"S1"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    FakeAgents::write_handoff(s, s.role == "verifier" && s.attempt == 0 ? "fail_retry" : "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict "
        "phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict commit story_passed phase_started "
        "run_finished");
  CHECK(launched(h) == std::vector<std::string>{"builder S1/0", "verifier S1/0", "builder S1/1", "verifier S1/1"});
  auto verdicts = h.of_kind("verdict");
  REQUIRE(verdicts.size() == 2);
  CHECK(verdicts[0] == json{{"storyId", "S1"},
                            {"attempt", 0},
                            {"verdict", "fail_retry"},
                            {"summary", "not met"},
                            {"criteria", {{{"criterion", "it works"}, {"passed", false}, {"evidence", "ran it"}}}}});
  CHECK(verdicts[1].at("verdict") == "pass");
  CHECK(verdicts[1].at("attempt") == 1);
  // FIX resumes the builder's own session, not the verifier's, and is told what the verifier found.
  const FakeSession& fix = h.agents.sessions[2];
  CHECK(fix.resume == std::optional<std::string>("sess-1"));
  CHECK(contains(fix.prompt, "verifier: not met"));
  CHECK(contains(fix.prompt, "- [NOT met] it works — ran it"));
  // The second verification is a fresh session: a verifier does not grade its own earlier opinion.
  CHECK(h.agents.sessions[3].resume == std::nullopt);
  CHECK(subjects(h.repository) ==
        std::vector<std::string>{"S1: Story S1 (build)", "S1: Story S1 (fix 1)", "S1: Story S1 (record passed)"});
  json passed = h.of_kind("story_passed").at(0);
  CHECK(passed.at("attempts") == 2);
  CHECK(passed.at("costUsd").get<double>() == Approx(0.04));
}

TEST_CASE("run loop: a verifier's fail_abort blocks the story at once and the next story runs") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "verifier" && s.story_id == "S1") {
      json doc = {{"schemaVersion", 1},
                  {"storyId", "S1"},
                  {"attempt", 0},
                  {"verdict", "fail_abort"},
                  {"summary", "the criteria contradict each other"},
                  {"criteria", {{{"criterion", "S1 works"}, {"passed", false}, {"evidence", "read them"}}}}};
      simmer::test::spit(s.handoff, doc.dump());
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 11);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict commit story_blocked " +
            k_story + " phase_started run_finished");
  // No FIX: fail_abort means no fix can help.
  CHECK(launched(h) == std::vector<std::string>{"builder S1/0", "verifier S1/0", "builder S2/0", "verifier S2/0"});
  CHECK(h.of_kind("story_blocked").at(0) ==
        json{{"storyId", "S1"}, {"reason", "fail_abort: the criteria contradict each other"}});
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "blocked"}, {"exitCode", 11}});
  CHECK(subjects(h.repository) == std::vector<std::string>{"S1: Story S1 (build)", "S1: Story S1 (record blocked)",
                                                           "S2: Story S2 (build)", "S2: Story S2 (record passed)"});
  auto prd = json::parse(simmer::test::slurp(h.paths.prd));
  CHECK(prd.at("stories")[0].at("status") == "blocked");
  CHECK(prd.at("stories")[0].at("blockedReason") == "fail_abort: the criteria contradict each other");
  CHECK(prd.at("stories")[1].at("status") == "passed");
}

TEST_CASE("run loop: when the fixes are spent the story is blocked, its dependants wait and the others run") {
  CookHarness h;
  h.prd({"S1", "S2:S1", "S3"});
  h.config(json::array(), {{"retries", {{"fix", 1}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    FakeAgents::write_handoff(s, s.role == "verifier" && s.story_id == "S1" ? "fail_retry" : "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 11);
  CHECK(launched(h) == std::vector<std::string>{"builder S1/0", "verifier S1/0", "builder S1/1", "verifier S1/1",
                                                "builder S3/0", "verifier S3/0"});
  CHECK(h.of_kind("story_blocked") ==
        std::vector<json>{{{"storyId", "S1"}, {"reason", "gave up after 2 attempts: verifier: not met"}}});
  CHECK(selected(h) == std::vector<std::string>{"S1 by harness", "S3 by harness"});
  // S2 was never worked on: no event after run_started names it.
  auto events = h.events();
  for (std::size_t i = 1; i < events.size(); ++i) {
    CHECK(events[i].at("data").value("storyId", json()) != "S2");
  }
  CHECK(h.of_kind("run_finished").at(0) == json{{"result", "blocked"}, {"exitCode", 11}});
  auto prd = json::parse(simmer::test::slurp(h.paths.prd));
  CHECK(prd.at("stories")[0].at("status") == "blocked");
  CHECK(prd.at("stories")[0].at("blockedReason") == "gave up after 2 attempts: verifier: not met");
  CHECK(prd.at("stories")[1].at("status") == "pending");
  CHECK(prd.at("stories")[2].at("status") == "passed");
}

TEST_CASE("run loop: a commit hook's refusal fails the attempt as the pre-commit hook gate and FIX gets its output") {
  CookHarness h;
  h.prd({"S1"});
  h.repository.on_commit =
      [](const FakeRepository::Commit& c) -> std::optional<simmer::Result<simmer::run::CommitOutcome>> {
    if (contains(c.subject, "(build)")) {
      simmer::run::HookFailure f;
      f.hook = "pre-commit";
      f.exit_code = 3;
      f.output_tail = "secret-scan: a secret is staged in src/a.txt\n";
      f.duration_ms = 40;
      return simmer::run::CommitOutcome{std::nullopt, f};
    }
    return std::nullopt;
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started story_selected phase_started session_launched session phase_finished handoff_accepted gate "
        "phase_started session_launched session phase_finished handoff_accepted commit "
        "phase_started session_launched session phase_finished verdict commit story_passed phase_started "
        "run_finished");
  CHECK(h.of_kind("gate").at(0) == json{{"name", "pre-commit hook"},
                                        {"hook", true},
                                        {"storyId", "S1"},
                                        {"attempt", 0},
                                        {"exitCode", 3},
                                        {"passed", false},
                                        {"timedOut", false},
                                        {"durationMs", 40},
                                        {"outputTail", "secret-scan: a secret is staged in src/a.txt\n"}});
  CHECK(launched(h) == std::vector<std::string>{"builder S1/0", "builder S1/1", "verifier S1/1"});
  const FakeSession& fix = h.agents.sessions[1];
  CHECK(fix.resume == std::optional<std::string>("sess-1"));
  CHECK(contains(fix.prompt, "gate \"pre-commit hook\" failed (exit 3)"));
  CHECK(contains(fix.prompt, "secret-scan: a secret is staged in src/a.txt"));
  // Only the fixed attempt reached git.
  CHECK(subjects(h.repository) == std::vector<std::string>{"S1: Story S1 (fix 1)", "S1: Story S1 (record passed)"});
}

TEST_CASE("run loop: an orchestrator's pick that can run is taken, with its guidance for the builder") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.config(json::array(), {{"agents", {{"orchestrator", {{"agent", "script"}, {"scenario", "scenario.json"}}}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "orchestrator") {
      // Against the harness's suggestion (S1 first), with a reason.
      std::string pick = h.of_kind("story_passed").empty() ? "S2" : "S1";
      simmer::test::spit(s.handoff, json{{"schemaVersion", 1},
                                         {"storyId", pick},
                                         {"title", "t"},
                                         {"guidance", "reuse the parser in src/p.c"},
                                         {"reasoning", "r"}}
                                        .dump());
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  const std::string orchestrate = "phase_started session_launched session phase_finished ";
  CHECK(h.kinds() ==
        "run_started " + orchestrate + k_story + " " + orchestrate + k_story + " phase_started run_finished");
  CHECK(selected(h) == std::vector<std::string>{"S2 by orchestrator", "S1 by orchestrator"});
  CHECK(h.of_kind("story_selected").at(0) == json{{"storyId", "S2"}, {"by", "orchestrator"}});
  CHECK(h.of_kind("run_started").at(0).at("limits").at("harnessOrchestrator") == false);
  CHECK(h.of_kind("phase_started").at(0) == json{{"phase", "orchestrate"}, {"storyId", nullptr}, {"attempt", 0}});
  REQUIRE(h.agents.sessions.size() == 6);
  CHECK(h.agents.sessions[0].role == "orchestrator");
  // The orchestrator is told the harness's suggestion; the builder gets the orchestrator's guidance.
  CHECK(h.agents.sessions[0].story_id == "S1");
  CHECK(contains(h.agents.sessions[0].prompt, "The harness suggests S1"));
  CHECK(h.agents.sessions[1].story_id == "S2");
  CHECK(contains(h.agents.sessions[1].prompt, "reuse the parser in src/p.c"));
}

TEST_CASE("run loop: an orchestrator's pick that cannot run is refused and the harness picks, with the warning") {
  CookHarness h;
  h.prd({"S1", "S2:S1"});
  h.config(json::array(), {{"agents", {{"orchestrator", {{"agent", "script"}, {"scenario", "scenario.json"}}}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.role == "orchestrator") {
      simmer::test::spit(
          s.handoff,
          json{{"schemaVersion", 1}, {"storyId", "S2"}, {"title", "t"}, {"guidance", "g"}, {"reasoning", "r"}}.dump());
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto picks = h.of_kind("story_selected");
  REQUIRE(picks.size() == 2);
  CHECK(picks[0] == json{{"storyId", "S1"},
                         {"by", "harness"},
                         {"warning", "the orchestrator's pick was refused: story \"S2\" waits for \"S1\" (pending)"}});
  // Once S1 passed, the same pick can run.
  CHECK(picks[1] == json{{"storyId", "S2"}, {"by", "orchestrator"}});
  CHECK(launched(h) == std::vector<std::string>{"orchestrator S1/0", "builder S1/0", "verifier S1/0",
                                                "orchestrator S2/0", "builder S2/0", "verifier S2/0"});
}

TEST_CASE("run loop: an orchestrator that fails leaves the pick to the harness, with the reason") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array(), {{"agents", {{"orchestrator", {{"agent", "script"}, {"scenario", "scenario.json"}}}}}});
  h.agents.script = [&](const FakeSession& s, SessionRecord& rec) {
    if (s.role == "orchestrator") {
      rec.outcome = simmer::agents::Outcome::fatal;
      rec.error = "exit 1";
      return;
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(h.kinds() ==
        "run_started phase_started session_launched session phase_finished " + k_story + " phase_started run_finished");
  CHECK(h.of_kind("story_selected").at(0) ==
        json{{"storyId", "S1"}, {"by", "harness"}, {"warning", "orchestrator failed: exit 1; the harness picked"}});
}

TEST_CASE("run loop: what a gate wrote stays out of the next commits, until an agent changes a file it changed") {
  CookHarness h;
  h.prd({"S1", "S2"});
  h.config(json::array({{{"name", "build"}, {"run", "make"}}}));
  int runs = 0;
  h.processes.on_gate = [&](const std::string&, simmer::util::ProcessResult& r) {
    if (++runs == 1) {
      // The first gate builds into build/, reformats a tracked file, deletes another, and fails.
      h.repository.entries = {{.path = "build/", .untracked = true},
                              {.path = "gone.txt", .untracked = false},
                              {.path = "src/a.cpp", .untracked = false, .sha256 = "formatted"}};
      h.repository.hashes["src/a.cpp"] = "formatted";
      r.exit_code = 2;
    }
  };
  h.agents.script = [&](const FakeSession& s, SessionRecord&) {
    if (s.story_id == "S2" && s.role == "builder") {
      h.repository.hashes["src/a.cpp"] = "edited by S2's builder";  // someone's work now: committed
    }
    FakeAgents::write_handoff(s, "pass");
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto gates = h.of_kind("gate");
  REQUIRE(gates.size() == 3);
  CHECK(gates[0].at("outputs") ==
        json::array({{{"path", "build/"}, {"change", "created"}},
                     {{"path", "gone.txt"}, {"change", "deleted"}},
                     {{"path", "src/a.cpp"}, {"change", "changed"}, {"sha256", "formatted"}}}));
  CHECK_FALSE(gates[1].contains("outputs"));  // the same tree as before it: nothing new
  // S1's build commit came before any gate; its fix commit and S2's build keep out what is still the gates'.
  REQUIRE(h.repository.commits.size() == 5);
  CHECK(h.repository.commits[0].excluded.empty());
  CHECK(h.repository.commits[1].subject == "S1: Story S1 (fix 1)");
  CHECK(h.repository.commits[1].excluded == std::vector<std::string>{"build/", "gone.txt", "src/a.cpp"});
  CHECK(h.repository.commits[3].subject == "S2: Story S2 (build)");
  CHECK(h.repository.commits[3].excluded == std::vector<std::string>{"build/", "gone.txt"});
  auto commits = h.of_kind("commit");
  CHECK(commits[1].at("keptOut") == json::array({"build/", "gone.txt", "src/a.cpp"}));
  CHECK(commits[3].at("keptOut") == json::array({"build/", "gone.txt"}));
  CHECK_FALSE(commits[2].contains("keptOut"));  // a record commit names its own two files
}

TEST_CASE("run loop: a gate that writes more than 1000 paths journals the first 1000 and warns about the rest") {
  CookHarness h;
  h.prd({"S1"});
  h.config(json::array({{{"name", "gen"}, {"run", "make gen"}}}));
  h.processes.on_gate = [&](const std::string&, simmer::util::ProcessResult&) {
    h.repository.entries.clear();
    for (int i = 0; i < 1003; ++i) {
      h.repository.entries.push_back({.path = fmt::format("src/gen/{:04}.c", i), .untracked = true});
    }
  };
  auto r = h.cook();
  REQUIRE(r.ok());
  CHECK(*r == 0);
  auto gates = h.of_kind("gate");
  REQUIRE(gates.size() == 1);
  REQUIRE(gates[0].at("outputs").size() == 1000);
  CHECK(gates[0].at("outputs")[999].at("path") == "src/gen/0999.c");
  auto warnings = h.of_kind("warning");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].at("message") ==
        "gate \"gen\" wrote 1003 paths outside .gitignore; the first 1000 stay out of simmer's commits, the other 3 "
        "will be committed: add the gate's output to .gitignore");
}
