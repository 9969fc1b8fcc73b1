// The machine, one transition at a time: every event kind it acts on, every effect it returns.
#include <catch2/catch.hpp>

#include "core/machine.hpp"
#include "core/select.hpp"

#include <nlohmann/json.hpp>

#include "test_core_events_support.hpp"
#include "test_core_machine_support.hpp"

using nlohmann::json;
using simmer::core::AgentRole;
using simmer::core::CommitKind;
using simmer::core::Effect;
using simmer::core::Event;
using simmer::core::Handoff;
using simmer::core::Phase;
using simmer::core::RetryReason;
using simmer::core::State;
using simmer::core::Step;
using simmer::core::StoryState;

namespace fx = simmer::core::effects;

namespace {

using simmer::test::data_of;
using simmer::test::is;
using simmer::test::kind_of;

const fx::RunAgent& agent(const Effect& effect) {
  REQUIRE(is<fx::RunAgent>(effect));
  return std::get<fx::RunAgent>(effect);
}

const fx::ScheduleRetry& retry(const Effect& effect) {
  REQUIRE(is<fx::ScheduleRetry>(effect));
  return std::get<fx::ScheduleRetry>(effect);
}

// The commit a commit or record effect owes.
const simmer::core::CommitPlan& plan(const Effect& effect) {
  REQUIRE((is<fx::Commit>(effect) || is<fx::Record>(effect)));
  return is<fx::Commit>(effect) ? std::get<fx::Commit>(effect).plan : std::get<fx::Record>(effect).plan;
}

// Folds events with contiguous seqs, like the executor does, and keeps every event for replay checks.
struct Run {
  State state;
  std::vector<Event> events;

  Effect feed(const std::string& kind, json data) {
    Event e;
    e.seq = state.seq + 1;
    e.ts = "2026-11-22T10:00:00.000Z";
    e.run_id = "r1";
    e.kind = kind;
    e.data = simmer::test::complete(kind, data);
    events.push_back(e);
    state = simmer::core::apply(state, e);
    return simmer::core::next_effect(state);
  }
  // Journals what an emit effect asks for.
  Effect take(const Effect& effect) {
    REQUIRE(is<fx::Emit>(effect));
    return feed(kind_of(effect), data_of(effect));
  }
};

json story(const std::string& id, int priority, std::vector<std::string> deps = {}, std::string epic = "") {
  return {{"id", id},     {"title", "Title " + id}, {"priority", priority}, {"dependencies", deps},
          {"epic", epic}, {"status", "pending"}};
}

json limits(json over = json::object()) {
  json l = {{"fix", 3},
            {"contract", 2},
            {"transient", 5},
            {"budgetPerStory", 0.0},
            {"budgetTotal", 0.0},
            {"maxIterations", 0},
            {"gates", {"test"}},
            {"harnessOrchestrator", true},
            {"workflow", "one-shot"}};
  l.update(over);
  return l;
}

Effect start(Run& run, json stories, json over = json::object()) {
  return run.feed("run_started", {{"version", "0.1.0"},
                                  {"pid", 42},
                                  {"resumed", false},
                                  {"phase", "orchestrate"},
                                  {"storyId", nullptr},
                                  {"stories", stories},
                                  {"limits", limits(over)}});
}

json session(const std::string& role, const std::string& story, int attempt, const std::string& outcome,
             double cost = 0.01, const std::string& id = "sess-1") {
  return {{"role", role},    {"storyId", story}, {"attempt", attempt}, {"outcome", outcome},
          {"costUsd", cost}, {"sessionId", id},  {"agent", "script"},  {"error", outcome == "success" ? "" : "boom"}};
}

// Runs the current BUILD or FIX attempt through to its commit; returns the effect after the commit.
Effect build_ok(Run& run, const std::string& id, int attempt, double cost = 0.01) {
  const char* phase = attempt == 0 ? "build" : "fix";
  run.feed("phase_started", {{"phase", phase}, {"storyId", id}, {"attempt", attempt}});
  Effect e = run.feed("session", session("builder", id, attempt, "success", cost));
  REQUIRE(is<fx::ValidateHandoff>(e));
  REQUIRE(std::get<fx::ValidateHandoff>(e).handoff == Handoff::build);
  e = run.feed("handoff_accepted",
               {{"role", "builder"}, {"file", ".simmer/build.json"}, {"storyId", id}, {"attempt", attempt}});
  REQUIRE(is<fx::Commit>(e));
  return run.feed("commit", {{"storyId", id},
                             {"attempt", attempt},
                             {"kind", simmer::core::to_string(plan(e).kind)},
                             {"sha", "abc"},
                             {"subject", plan(e).subject}});
}

Effect gate(Run& run, const std::string& id, int attempt, bool passed) {
  return run.feed("gate", {{"name", "test"},
                           {"storyId", id},
                           {"attempt", attempt},
                           {"exitCode", passed ? 0 : 2},
                           {"passed", passed},
                           {"timedOut", false},
                           {"durationMs", 5},
                           {"outputTail", passed ? "ok\n" : "FAIL: add\n"}});
}

Effect verdict(Run& run, const std::string& id, int attempt, const std::string& v) {
  run.feed("phase_started", {{"phase", "verify"}, {"storyId", id}, {"attempt", attempt}});
  Effect e = run.feed("session", session("verifier", id, attempt, "success", 0.02, "ver-1"));
  REQUIRE(is<fx::ValidateHandoff>(e));
  return run.feed("verdict", {{"storyId", id},
                              {"attempt", attempt},
                              {"verdict", v},
                              {"summary", v == "pass" ? "all good" : "criterion 2 is not met"},
                              {"criteria", {{{"criterion", "c1"}, {"passed", v == "pass"}}}}});
}

// RECORD: the record effect, its commit, then the story outcome the machine emits.
Effect record(Run& run, const std::string& id) {
  Effect e = simmer::core::next_effect(run.state);
  REQUIRE(is<fx::Record>(e));
  e = run.feed("commit", {{"storyId", id},
                          {"attempt", run.state.attempt},
                          {"kind", "record"},
                          {"sha", "def"},
                          {"subject", plan(e).subject}});
  REQUIRE(is<fx::Emit>(e));
  return run.take(e);
}

}  // namespace

TEST_CASE("machine: run_started loads the PRD snapshot and the harness picks by priority then id") {
  Run run;
  Effect e = start(run, {story("B", 1), story("A", 1), story("C", 0, {"A"})});
  CHECK(run.state.running);
  CHECK(run.state.order == std::vector<std::string>{"B", "A", "C"});
  REQUIRE(is<fx::Emit>(e));
  CHECK(kind_of(e) == "story_selected");
  CHECK(data_of(e) == json{{"storyId", "A"}, {"by", "harness"}});
}

TEST_CASE("machine: story_selected starts BUILD attempt 0 with the claimed feedback as guidance") {
  Run run;
  start(run, {story("A", 0)});
  run.feed("feedback_claimed",
           {{"files", {{{"path", ".simmer/feedback/claimed/1-feedback.md"}, {"bytes", 5}, {"preview", "hello"}}}}});
  CHECK(run.state.feedback_pending.size() == 1);
  Effect e = run.take(simmer::core::next_effect(run.state));
  CHECK(run.state.phase == Phase::build);
  CHECK(run.state.story_id == std::string("A"));
  CHECK(run.state.attempt == 0);
  CHECK(run.state.iterations_run == 1);
  CHECK(run.state.stories.at("A").attempts == 1);
  CHECK(run.state.feedback_pending.empty());
  REQUIRE(run.state.guidance.size() == 1);
  CHECK(run.state.guidance[0].preview == "hello");
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::builder);
  CHECK(agent(e).handoff == Handoff::build);
  CHECK_FALSE(agent(e).resume_session);
}

TEST_CASE("machine: happy path build -> gates -> verify -> record -> done, exit 0") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  Effect e = build_ok(run, "A", 0);
  CHECK(run.state.phase == Phase::gates);
  REQUIRE(is<fx::RunGate>(e));
  CHECK(std::get<fx::RunGate>(e).name == "test");
  e = gate(run, "A", 0, true);
  CHECK(run.state.phase == Phase::verify);
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::verifier);
  e = verdict(run, "A", 0, "pass");
  CHECK(run.state.phase == Phase::record);
  REQUIRE(is<fx::Record>(e));
  CHECK(plan(e).subject == "A: Title A (record passed)");
  e = record(run, "A");
  CHECK(run.state.stories.at("A").status == StoryState::passed);
  CHECK(run.state.phase == Phase::orchestrate);
  REQUIRE(is<fx::Emit>(e));
  CHECK(kind_of(e) == "phase_started");
  CHECK(data_of(e)["phase"] == "done");
  e = run.take(e);
  CHECK(run.state.phase == Phase::done);
  REQUIRE(kind_of(e) == "run_finished");
  CHECK(data_of(e) == json{{"result", "passed"}, {"exitCode", 0}});
  e = run.take(e);
  CHECK(is<fx::Idle>(e));
  CHECK_FALSE(run.state.running);
  CHECK(run.state.exit_code == 0);
  CHECK(run.state.spend_total_usd == Approx(0.03));
}

TEST_CASE("machine: the story_passed event carries attempts and the story's cost") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  build_ok(run, "A", 0, 0.5);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  Effect e = simmer::core::next_effect(run.state);
  e = run.feed("commit", {{"storyId", "A"}, {"attempt", 0}, {"kind", "record"}, {"sha", "d"}, {"subject", "s"}});
  REQUIRE(kind_of(e) == "story_passed");
  CHECK(data_of(e)["attempts"] == 1);
  CHECK(data_of(e)["costUsd"].get<double>() == Approx(0.52));
}

TEST_CASE("machine: BUILD commit subject and key come from the accepting event") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  CHECK(run.state.step == Step::running);
  run.feed("session", session("builder", "A", 0, "success"));
  Effect e = run.feed("handoff_accepted", {{"role", "builder"}, {"file", "f"}, {"storyId", "A"}, {"attempt", 0}});
  REQUIRE(is<fx::Commit>(e));
  CHECK(plan(e).kind == CommitKind::build);
  CHECK(plan(e).subject == "A: Title A (build)");
  CHECK(plan(e).run_id == "r1");
  CHECK(plan(e).key_seq == run.state.seq);
}

TEST_CASE("machine: no gates configured goes from the commit straight to VERIFY") {
  Run run;
  run.take(start(run, {story("A", 0)}, {{"gates", json::array()}}));
  Effect e = build_ok(run, "A", 0);
  CHECK(run.state.phase == Phase::verify);
  CHECK(is<fx::RunAgent>(e));
}

TEST_CASE("machine: a failed gate goes to FIX with the output, resuming the builder session, no verifier") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  build_ok(run, "A", 0);
  Effect e = gate(run, "A", 0, false);
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.attempt == 1);
  CHECK(run.state.stories.at("A").attempts == 2);
  REQUIRE(run.state.last_failure);
  CHECK(run.state.last_failure->kind == simmer::core::FailureKind::gate);
  CHECK(run.state.last_failure->summary == "gate \"test\" failed (exit 2)");
  CHECK(run.state.last_failure->output == "FAIL: add\n");
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::builder);
  CHECK(agent(e).resume_session == std::string("sess-1"));
  e = build_ok(run, "A", 1);
  CHECK(run.state.phase == Phase::gates);
  CHECK(run.state.gate_index == 0);
}

TEST_CASE("machine: FIX commit subject names the fix number") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, false);
  run.feed("phase_started", {{"phase", "fix"}, {"storyId", "A"}, {"attempt", 1}});
  run.feed("session", session("builder", "A", 1, "success"));
  Effect e = run.feed("handoff_accepted", {{"role", "builder"}, {"file", "f"}, {"storyId", "A"}, {"attempt", 1}});
  CHECK(plan(e).subject == "A: Title A (fix 1)");
  CHECK(plan(e).kind == CommitKind::fix);
}

TEST_CASE("machine: fail_retry goes to FIX with the verdict, and the last allowed attempt blocks the story") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}, {{"fix", 1}}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  Effect e = verdict(run, "A", 0, "fail_retry");
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.last_failure->kind == simmer::core::FailureKind::verdict);
  CHECK(run.state.last_failure->summary == "verifier: criterion 2 is not met");
  CHECK(run.state.last_failure->criteria.size() == 1);
  CHECK(agent(e).resume_session == std::string("sess-1"));
  build_ok(run, "A", 1);
  gate(run, "A", 1, true);
  e = verdict(run, "A", 1, "fail_retry");
  CHECK(run.state.phase == Phase::record);
  REQUIRE(run.state.record);
  CHECK(run.state.record->result == StoryState::blocked);
  CHECK(run.state.record->reason == "gave up after 2 attempts: verifier: criterion 2 is not met");
  CHECK(plan(e).subject == "A: Title A (record blocked)");
  e = record(run, "A");
  CHECK(run.state.stories.at("A").status == StoryState::blocked);
  CHECK(run.state.stories.at("A").reason == "gave up after 2 attempts: verifier: criterion 2 is not met");
  // The loop goes on with the other story.
  REQUIRE(kind_of(e) == "story_selected");
  CHECK(data_of(e)["storyId"] == "B");
}

TEST_CASE("machine: fail_abort blocks at once, a dependent is never runnable, run ends blocked (11)") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1, {"A"})}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "fail_abort");
  CHECK(run.state.record->reason == "fail_abort: criterion 2 is not met");
  Effect e = record(run, "A");
  CHECK_FALSE(simmer::core::is_runnable(run.state, "B"));
  auto stuck = simmer::core::stuck_stories(run.state);
  REQUIRE(stuck.size() == 1);
  CHECK(stuck[0] == std::make_pair(std::string("B"), std::string("A")));
  CHECK(data_of(e)["phase"] == "done");
  e = run.take(e);
  CHECK(data_of(e) == json{{"result", "blocked"}, {"exitCode", 11}});
}

TEST_CASE("machine: transient failures back off 1 s doubling capped at 30 s, then halt") {
  CHECK(simmer::core::transient_delay_ms(1) == 1000);
  CHECK(simmer::core::transient_delay_ms(2) == 2000);
  CHECK(simmer::core::transient_delay_ms(5) == 16000);
  CHECK(simmer::core::transient_delay_ms(6) == 30000);
  CHECK(simmer::core::transient_delay_ms(40) == 30000);
  Run run;
  run.take(start(run, {story("A", 0)}, {{"transient", 2}}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  Effect e = run.feed("session", session("builder", "A", 0, "transient"));
  REQUIRE(is<fx::ScheduleRetry>(e));
  CHECK(retry(e).reason == RetryReason::transient);
  CHECK(retry(e).retry == 1);
  CHECK(retry(e).delay_ms == 1000);
  e = run.feed("retry_scheduled",
               {{"phase", "build"}, {"reason", "transient"}, {"delayMs", 1000}, {"retry", 1}, {"notBeforeMs", 5000}});
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).not_before_ms == std::int64_t{5000});
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  CHECK_FALSE(run.state.not_before_ms);
  e = run.feed("session", session("builder", "A", 0, "transient"));
  CHECK(retry(e).retry == 2);
  CHECK(retry(e).delay_ms == 2000);
  run.feed("retry_scheduled",
           {{"phase", "build"}, {"reason", "transient"}, {"delayMs", 2000}, {"retry", 2}, {"notBeforeMs", 7000}});
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  e = run.feed("session", session("builder", "A", 0, "transient"));
  CHECK(run.state.phase == Phase::halt);
  CHECK(run.state.halt->reason == simmer::core::HaltReason::transient);
  CHECK(run.state.halt->detail == "the builder failed 3 times in a row: boom");
  REQUIRE(kind_of(e) == "run_finished");
  CHECK(data_of(e) == json{{"result", "halted"}, {"exitCode", 10}});
}

TEST_CASE("machine: a usage limit waits until the reported reset") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  json data = session("builder", "A", 0, "usage_limit");
  data["resetAtMs"] = 99000;
  Effect e = run.feed("session", data);
  REQUIRE(is<fx::ScheduleRetry>(e));
  CHECK(retry(e).reason == RetryReason::usage_limit);
  CHECK(retry(e).reset_at_ms == std::int64_t{99000});
}

TEST_CASE("machine: timeout or fatal builder fails the attempt, verifier failure blocks the story") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  run.feed("session", session("builder", "A", 0, "timeout"));
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.last_failure->summary == "builder timed out: boom");
  build_ok(run, "A", 1);
  gate(run, "A", 1, true);
  run.feed("phase_started", {{"phase", "verify"}, {"storyId", "A"}, {"attempt", 1}});
  run.feed("session", session("verifier", "A", 1, "fatal"));
  CHECK(run.state.phase == Phase::record);
  CHECK(run.state.record->reason == "verifier failed: boom");
}

TEST_CASE("machine: an interrupted session is launched again on resume") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  Effect e = run.feed("session", session("builder", "A", 0, "interrupted"));
  CHECK(run.state.step == Step::launch);
  CHECK(is<fx::RunAgent>(e));
}

TEST_CASE("machine: an invalid hand-off is repaired in the same session, then fails the attempt") {
  Run run;
  run.take(start(run, {story("A", 0)}, {{"contract", 1}}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  run.feed("session", session("builder", "A", 0, "success", 0.01, "b-7"));
  Effect e = run.feed("handoff_invalid", {{"role", "builder"},
                                          {"file", ".simmer/build.json"},
                                          {"errors", {".simmer/build.json#/storyId: expected \"A\""}},
                                          {"repair", 1},
                                          {"maxRepairs", 1}});
  CHECK(run.state.step == Step::repair);
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).resume_session == std::string("b-7"));
  CHECK(agent(e).repair_errors == std::vector<std::string>{".simmer/build.json#/storyId: expected \"A\""});
  // A crash during the repair: the resumed run still repairs.
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  run.feed("run_started", {{"pid", 43}, {"resumed", true}});
  e = simmer::core::next_effect(run.state);
  CHECK(agent(e).repair_errors.size() == 1);
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  run.feed("session", session("builder", "A", 0, "success", 0.01, "b-7"));
  e = run.feed(
      "handoff_invalid",
      {{"role", "builder"}, {"file", ".simmer/build.json"}, {"errors", {"again"}}, {"repair", 2}, {"maxRepairs", 1}});
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.last_failure->kind == simmer::core::FailureKind::contract);
  CHECK(run.state.last_failure->summary == "contract_violation: .simmer/build.json still invalid after 1 repair");
}

TEST_CASE("machine: the orchestrator's failure falls back to the harness pick with a warning") {
  Run run;
  Effect e = start(run, {story("A", 0)}, {{"harnessOrchestrator", false}});
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::orchestrator);
  CHECK(agent(e).handoff == Handoff::task);
  run.feed("phase_started", {{"phase", "orchestrate"}, {"storyId", nullptr}, {"attempt", 0}});
  json data = session("orchestrator", "", 0, "fatal");
  data["storyId"] = nullptr;
  e = run.feed("session", data);
  REQUIRE(kind_of(e) == "story_selected");
  CHECK(data_of(e)["by"] == "harness");
  CHECK(data_of(e)["warning"] == "orchestrator failed: boom; the harness picked");
  run.take(e);
  CHECK(run.state.phase == Phase::build);
}

TEST_CASE("machine: refuse_pick explains why a pick is refused") {
  Run run;
  start(run, {story("A", 0), story("B", 1, {"A"})});
  CHECK(simmer::core::refuse_pick(run.state, "A").empty());
  CHECK(simmer::core::refuse_pick(run.state, "Z") == "story \"Z\" does not exist");
  CHECK(simmer::core::refuse_pick(run.state, "B") == "story \"B\" waits for \"A\" (pending)");
}

TEST_CASE("machine: budgets are cumulative across runs, raising the budget resumes the same phase") {
  Run run;
  run.take(start(run, {story("A", 0)}, {{"budgetPerStory", 0.05}}));
  build_ok(run, "A", 0, 0.06);
  gate(run, "A", 0, true);
  Effect e = simmer::core::next_effect(run.state);
  REQUIRE(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "budget_story");
  CHECK(data_of(e)["detail"] == "story A spent $0.0600 of its budget $0.0500");
  e = run.take(e);
  CHECK(run.state.phase == Phase::halt);
  CHECK(run.state.halt->resume_phase == Phase::verify);
  e = run.take(e);
  CHECK_FALSE(run.state.running);
  CHECK(run.state.exit_code == 10);
  // Same budget: halts again at once. Raised: continues at VERIFY with the spend kept.
  run.feed("run_started", {{"pid", 2},
                           {"resumed", true},
                           {"stories", {story("A", 0)}},
                           {"limits", limits({{"budgetPerStory", 0.05}})}});
  CHECK(run.state.phase == Phase::verify);
  CHECK(kind_of(simmer::core::next_effect(run.state)) == "halted");
  run.feed("run_started", {{"pid", 3},
                           {"resumed", true},
                           {"stories", {story("A", 0)}},
                           {"limits", limits({{"budgetPerStory", 1.0}})}});
  CHECK(run.state.stories.at("A").cost_usd == Approx(0.06));
  e = simmer::core::next_effect(run.state);
  CHECK(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::verifier);
}

TEST_CASE("machine: the total budget halts before the next story") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}, {{"budgetTotal", 0.02}}));
  build_ok(run, "A", 0, 0.01);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  Effect e = record(run, "A");
  REQUIRE(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "budget_total");
}

TEST_CASE("machine: maxIterations counts story selections per run") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}, {{"maxIterations", 1}}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  Effect e = record(run, "A");
  REQUIRE(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "max_iterations");
  run.take(e);
  e = run.feed("run_started",
               {{"pid", 2}, {"stories", {story("A", 0), story("B", 1)}}, {"limits", limits({{"maxIterations", 1}})}});
  // The new snapshot says A is pending again only if the PRD says so; here the user reset it.
  CHECK(run.state.iterations_run == 0);
  CHECK(kind_of(e) == "story_selected");
}

TEST_CASE("machine: epic-checkpoint halts once when an epic is complete") {
  Run run;
  run.take(start(run, {story("A", 0, {}, "E1"), story("B", 1, {}, "E2")}, {{"workflow", "epic-checkpoint"}}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  Effect e = record(run, "A");
  REQUIRE(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "checkpoint");
  CHECK(data_of(e)["epic"] == "E1");
  run.take(e);
  CHECK(run.state.checkpoints == std::vector<std::string>{"E1"});
  json prd = {story("A", 0, {}, "E1"), story("B", 1, {}, "E2")};
  prd[0]["status"] = "passed";
  e = run.feed("run_started", {{"pid", 2}, {"stories", prd}, {"limits", limits({{"workflow", "epic-checkpoint"}})}});
  REQUIRE(kind_of(e) == "story_selected");
  CHECK(data_of(e)["storyId"] == "B");
}

TEST_CASE("machine: a crash while a session ran relaunches it with the same attempt and spend") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  build_ok(run, "A", 0, 0.3);
  gate(run, "A", 0, false);
  run.feed("phase_started", {{"phase", "fix"}, {"storyId", "A"}, {"attempt", 1}});
  CHECK(run.state.step == Step::running);
  Effect e = run.feed("run_started",
                      {{"pid", 9}, {"resumed", true}, {"stories", {story("A", 0)}}, {"limits", limits()}});
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.attempt == 1);
  CHECK(run.state.step == Step::launch);
  CHECK(run.state.spend_total_usd == Approx(0.3));
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).resume_session == std::string("sess-1"));
}

TEST_CASE("machine: a seq gap is refused") {
  Run run;
  start(run, {story("A", 0)});
  Event e;
  e.seq = run.state.seq + 2;
  e.kind = "warning";
  CHECK_THROWS_WITH(simmer::core::apply(run.state, e),
                    "cannot apply the journal (.simmer/events.jsonl seq 3): seq 3 follows seq 1");
}

TEST_CASE("machine: events it does not act on only advance seq and meta") {
  Run run;
  start(run, {story("A", 0)});
  State before = run.state;
  run.feed("warning", {{"message", "x"}});
  run.feed("tamper_detected", {{"file", ".simmer/prd.json"}, {"restored", true}});
  CHECK(run.state.seq == before.seq + 2);
  before.seq = run.state.seq;
  CHECK(simmer::core::canonical_text(before) == simmer::core::canonical_text(run.state));
}

TEST_CASE("machine: fold of the journal equals the state built step by step, and state.json round-trips") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1, {"A"})}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, false);
  build_ok(run, "A", 1);
  gate(run, "A", 1, true);
  verdict(run, "A", 1, "pass");
  record(run, "A");
  State folded = simmer::core::fold(run.events);
  std::string text = simmer::core::canonical_text(folded);
  CHECK(text == simmer::core::canonical_text(run.state));
  auto parsed = simmer::core::state_from_json(json::parse(text));
  REQUIRE(parsed.ok());
  CHECK(simmer::core::canonical_text(*parsed) == text);
}

TEST_CASE("machine: state_from_json names the bad pointer") {
  json doc = simmer::core::to_json(State{});
  doc["phase"] = "cooking";
  auto parsed = simmer::core::state_from_json(doc);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.failure().message ==
        "invalid state (.simmer/state.json#/phase): expected one of \"orchestrate\", \"build\", \"gates\", "
        "\"verify\", \"fix\", \"record\", \"halt\", \"done\", found \"cooking\"");
  doc = simmer::core::to_json(State{});
  doc.erase("stories");
  CHECK(simmer::core::state_from_json(doc).failure().message == "invalid state (.simmer/state.json#/stories): missing");
}

TEST_CASE("machine: a tamper that erased the journal blocks the story, other tampering changes nothing") {
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  // A restored prd.json is a fact, not a decision.
  run.feed("tamper_detected", {{"file", ".simmer/prd.json"}, {"role", "builder"}, {"restored", true}});
  CHECK(run.state.phase == Phase::build);
  CHECK(run.state.step == Step::running);
  // stopsStory that is not a boolean is a damaged journal, refused like any other bad member.
  Event bad;
  bad.seq = run.state.seq + 1;
  bad.kind = "tamper_detected";
  bad.data = {{"file", "x"}, {"restored", true}, {"stopsStory", "yes"}};
  CHECK_THROWS_WITH(simmer::core::apply(run.state, bad),
                    "invalid journal event (.simmer/events.jsonl#/data/stopsStory): expected a boolean, found \"yes\" "
                    "(seq " +
                        std::to_string(bad.seq) + ", kind tamper_detected)");
  CHECK(run.state.phase == Phase::build);
  Effect e = run.feed("tamper_detected", {{"file", ".simmer/events.jsonl"},
                                          {"role", "builder"},
                                          {"restored", true},
                                          {"stopsStory", true}});
  CHECK(run.state.phase == Phase::record);
  REQUIRE(is<fx::Record>(e));
  CHECK(run.state.record->result == StoryState::blocked);
  CHECK(run.state.record->reason == "tampered: the builder changed .simmer/events.jsonl");
  // The session that did it still costs what it cost, and does not move the story on.
  e = run.feed("session", session("builder", "A", 0, "success", 0.5));
  CHECK(run.state.phase == Phase::record);
  CHECK(run.state.spend_total_usd == Approx(0.5));
  e = record(run, "A");
  CHECK(run.state.stories.at("A").status == StoryState::blocked);
  CHECK(run.state.stories.at("A").reason == "tampered: the builder changed .simmer/events.jsonl");
  // Between stories there is nothing to stop.
  run.feed("tamper_detected", {{"file", ".simmer/events.jsonl"}, {"restored", true}, {"stopsStory", true}});
  CHECK(run.state.phase == Phase::orchestrate);
}

TEST_CASE("machine: an agent that cannot start halts the run, blocks nothing and spends no attempt") {
  for (const char* phase : {"build", "verify", "fix"}) {
    Run run;
    run.take(start(run, {story("A", 0), story("B", 1, {"A"})}));
    std::string role = std::string(phase) == "verify" ? "verifier" : "builder";
    int attempt = 0;
    if (std::string(phase) != "build") {
      build_ok(run, "A", 0);
      gate(run, "A", 0, std::string(phase) == "verify");
      attempt = std::string(phase) == "fix" ? 1 : 0;
    }
    REQUIRE(simmer::core::to_string(run.state.phase) == std::string(phase));
    run.feed("phase_started", {{"phase", phase}, {"storyId", "A"}, {"attempt", attempt}});
    json data = session(role, "A", attempt, "cannot_start");
    data["agent"] = "claude";
    data["error"] = "cannot start 'claude': not found in PATH";
    Effect e = run.feed("session", data);
    CHECK(run.state.phase == Phase::halt);
    REQUIRE(run.state.halt);
    CHECK(run.state.halt->reason == simmer::core::HaltReason::agent_cannot_start);
    CHECK(run.state.halt->detail ==
          "the " + role + " (claude) cannot start: cannot start 'claude': not found in PATH; fix simmer.json#/agents/" +
              role +
              " or the agent's installation or login (`simmer doctor --probe` tries it), then run "
              "`simmer cook` to resume");
    REQUIRE(kind_of(e) == "run_finished");
    CHECK(data_of(e) == json{{"result", "halted"}, {"exitCode", 10}});
    CHECK(run.state.stories.at("A").status == StoryState::pending);
    CHECK(run.state.stories.at("B").status == StoryState::pending);
    CHECK(run.state.attempt == attempt);
    // The next cook resumes the very session that could not start.
    run.feed("run_finished", data_of(e));
    e = start(run, {story("A", 0), story("B", 1, {"A"})});
    CHECK(simmer::core::to_string(run.state.phase) == std::string(phase));
    REQUIRE(is<fx::RunAgent>(e));
    CHECK(simmer::core::to_string(agent(e).role) == role);
    CHECK(run.state.attempt == attempt);
  }
}

TEST_CASE("machine: two gates run in order, VERIFY comes only after the last, and the last one's failure goes to FIX") {
  Run run;
  run.take(start(run, {story("A", 0)}, {{"gates", {"build", "test"}}}));
  Effect e = build_ok(run, "A", 0);
  REQUIRE(is<fx::RunGate>(e));
  CHECK(std::get<fx::RunGate>(e).index == 0);
  CHECK(std::get<fx::RunGate>(e).name == "build");
  e = run.feed("gate", {{"name", "build"},
                        {"storyId", "A"},
                        {"attempt", 0},
                        {"exitCode", 0},
                        {"passed", true},
                        {"timedOut", false},
                        {"durationMs", 5},
                        {"outputTail", ""}});
  CHECK(run.state.phase == Phase::gates);
  REQUIRE(is<fx::RunGate>(e));
  CHECK(std::get<fx::RunGate>(e).index == 1);
  CHECK(std::get<fx::RunGate>(e).name == "test");
  e = gate(run, "A", 0, false);
  CHECK(run.state.phase == Phase::fix);
  REQUIRE(run.state.last_failure);
  CHECK(run.state.last_failure->summary == "gate \"test\" failed (exit 2)");
  // The FIX attempt starts again at the first gate and reaches VERIFY only when both passed.
  e = build_ok(run, "A", 1);
  REQUIRE(is<fx::RunGate>(e));
  CHECK(std::get<fx::RunGate>(e).name == "build");
  run.feed("gate", {{"name", "build"},
                    {"storyId", "A"},
                    {"attempt", 1},
                    {"exitCode", 0},
                    {"passed", true},
                    {"timedOut", false},
                    {"durationMs", 5},
                    {"outputTail", ""}});
  CHECK(run.state.phase == Phase::gates);
  e = gate(run, "A", 1, true);
  CHECK(run.state.phase == Phase::verify);
  CHECK(is<fx::RunAgent>(e));
}

TEST_CASE("machine: spending exactly the story budget halts, and exactly the total budget halts") {
  // Binary fractions, so that the sums are exact: the rule is spent >= budget, not spent > budget.
  Run per_story;
  per_story.take(start(per_story, {story("A", 0)}, {{"budgetPerStory", 0.5}}));
  build_ok(per_story, "A", 0, 0.5);
  Effect e = gate(per_story, "A", 0, true);
  REQUIRE(is<fx::Emit>(e));
  CHECK(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "budget_story");
  CHECK(data_of(e)["detail"] == "story A spent $0.5000 of its budget $0.5000");

  Run total;
  total.take(start(total, {story("A", 0)}, {{"budgetTotal", 0.75}}));
  total.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  total.feed("session", session("builder", "A", 0, "success", 0.25));
  // A repair session of the same attempt brings the spend to exactly 0.75.
  total.feed(
      "handoff_invalid",
      {{"role", "builder"}, {"file", ".simmer/build.json"}, {"errors", {"bad"}}, {"repair", 1}, {"maxRepairs", 2}});
  total.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  e = total.feed("session", session("builder", "A", 0, "transient", 0.5));
  REQUIRE(is<fx::Emit>(e));
  CHECK(kind_of(e) == "halted");
  CHECK(data_of(e)["reason"] == "budget_total");
  CHECK(data_of(e)["detail"] == "spent $0.7500 of the total budget $0.7500");

  // A cent under the budget does not halt.
  Run under;
  under.take(start(under, {story("A", 0)}, {{"budgetPerStory", 0.5}}));
  build_ok(under, "A", 0, 0.49);
  e = gate(under, "A", 0, true);
  CHECK(is<fx::RunAgent>(e));
}

TEST_CASE("machine: a commit hook's refusal fails the attempt like a gate and FIX gets the hook's output") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("phase_started", {{"phase", "build"}, {"storyId", "A"}, {"attempt", 0}});
  run.feed("session", session("builder", "A", 0, "success"));
  Effect e = run.feed("handoff_accepted", {{"role", "builder"}, {"file", "f"}, {"storyId", "A"}, {"attempt", 0}});
  REQUIRE(is<fx::Commit>(e));
  e = run.feed("gate", {{"name", "pre-commit hook"},
                        {"hook", true},
                        {"storyId", "A"},
                        {"attempt", 0},
                        {"exitCode", 1},
                        {"passed", false},
                        {"timedOut", false},
                        {"durationMs", 3},
                        {"outputTail", "secret found in src/key.txt\n"}});
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.attempt == 1);
  CHECK_FALSE(run.state.commit);
  CHECK(run.state.story_commits.empty());
  REQUIRE(run.state.last_failure);
  CHECK(run.state.last_failure->kind == simmer::core::FailureKind::gate);
  CHECK(run.state.last_failure->name == "pre-commit hook");
  CHECK(run.state.last_failure->summary == "gate \"pre-commit hook\" failed (exit 1)");
  CHECK(run.state.last_failure->output == "secret found in src/key.txt\n");
  REQUIRE(is<fx::RunAgent>(e));
  CHECK(agent(e).role == AgentRole::builder);
  CHECK(agent(e).resume_session == std::string("sess-1"));
  // A hook that timed out says so; a hook event outside a commit step changes nothing.
  run.feed("phase_started", {{"phase", "fix"}, {"storyId", "A"}, {"attempt", 1}});
  run.feed("session", session("builder", "A", 1, "success"));
  run.feed("handoff_accepted", {{"role", "builder"}, {"file", "f"}, {"storyId", "A"}, {"attempt", 1}});
  run.feed("gate", {{"name", "commit-msg hook"},
                    {"hook", true},
                    {"storyId", "A"},
                    {"attempt", 1},
                    {"exitCode", -1},
                    {"passed", false},
                    {"timedOut", true},
                    {"durationMs", 3},
                    {"outputTail", ""}});
  CHECK(run.state.attempt == 2);
  CHECK(run.state.last_failure->summary == "gate \"commit-msg hook\" timed out");
  State before = run.state;
  run.feed("gate", {{"name", "pre-commit hook"},
                    {"hook", true},
                    {"storyId", "A"},
                    {"attempt", 2},
                    {"exitCode", 1},
                    {"passed", false},
                    {"timedOut", false},
                    {"durationMs", 3},
                    {"outputTail", ""}});
  CHECK(run.state.attempt == before.attempt);
  CHECK(run.state.phase == before.phase);
}

// --- steering (docs/loop.md "Steering a run") ---------------------------------------------------------------------

namespace {

json steered(const std::string& action, std::optional<std::string> story = std::nullopt,
             std::optional<std::string> refused = std::nullopt) {
  json d = {{"action", action},
            {"storyId", story ? json(*story) : json(nullptr)},
            {"by", "cli"},
            {"request", ".simmer/control/claimed/000001-1-2.json"}};
  if (refused) {
    d["refused"] = *refused;
  }
  return d;
}

}  // namespace

TEST_CASE("machine: pause holds the run before its next story, resume goes on, a new run starts unpaused") {
  using simmer::core::SteerAction;
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}));
  CHECK_FALSE(simmer::core::steer_refusal(run.state, SteerAction::pause, std::nullopt, true));
  run.feed("steered", steered("pause"));
  CHECK(run.state.paused);
  CHECK(simmer::core::steer_refusal(run.state, SteerAction::pause, std::nullopt, true) ==
        std::string("the run is paused already"));
  // The story in progress goes on to its end.
  Effect e = build_ok(run, "A", 0);
  REQUIRE(is<fx::RunGate>(e));
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  e = record(run, "A");  // through story_passed
  CHECK(run.state.phase == Phase::orchestrate);
  CHECK(is<fx::Paused>(e));
  CHECK(is<fx::Paused>(simmer::core::next_effect(run.state)));
  e = run.feed("steered", steered("resume"));
  CHECK_FALSE(run.state.paused);
  CHECK(kind_of(e) == "story_selected");
  CHECK(data_of(e)["storyId"] == "B");
  CHECK(simmer::core::steer_refusal(run.state, SteerAction::resume, std::nullopt, true) ==
        std::string("the run is not paused"));
  // A pause then a new run (a killed cook, a cook started by hand): the new run is not paused.
  run.feed("steered", steered("pause"));
  run.feed("run_finished", {{"result", "interrupted"}, {"exitCode", 130}});
  e = start(run, {story("A", 0), story("B", 1)});
  CHECK_FALSE(run.state.paused);
  CHECK(kind_of(e) == "story_selected");
}

TEST_CASE("machine: a pause with nothing left to do lets the run finish") {
  Run run;
  run.take(start(run, {story("A", 0)}));
  run.feed("steered", steered("pause"));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "pass");
  Effect e = record(run, "A");
  CHECK(kind_of(e) == "phase_started");  // done, not paused
}

TEST_CASE("machine: retry brings a blocked story back, skip sets a pending one aside, a refused one changes nothing") {
  using simmer::core::SteerAction;
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1, {"A"}), story("C", 2)}));
  build_ok(run, "A", 0);
  gate(run, "A", 0, true);
  verdict(run, "A", 0, "fail_abort");
  Effect e = record(run, "A");  // through story_blocked
  CHECK(run.state.stories.at("A").status == StoryState::blocked);
  CHECK(kind_of(e) == "story_selected");
  CHECK(data_of(e)["storyId"] == "C");
  // What is refused, and why.
  auto refusal = [&](SteerAction a, std::optional<std::string> id, bool live = true) {
    return simmer::core::steer_refusal(run.state, a, id, live).value_or("");
  };
  CHECK(refusal(SteerAction::retry, "B") ==
        "story B is pending, not blocked: retry brings a blocked story back to "
        "pending");
  CHECK(refusal(SteerAction::retry, "Z") == "the PRD has no story \"Z\"");
  CHECK(refusal(SteerAction::retry, std::nullopt) == "retry names a story");
  CHECK(refusal(SteerAction::skip, "A") == "story A is blocked already: skip sets a pending story aside");
  CHECK(refusal(SteerAction::retry, "A").empty());
  CHECK(refusal(SteerAction::skip, "B").empty());
  CHECK(refusal(SteerAction::stop, std::nullopt).empty());
  // A refused request is journaled and changes nothing.
  const State before = run.state;
  run.feed("steered", steered("retry", "B", "story B is pending, not blocked"));
  CHECK(simmer::core::canonical_text(run.state) != simmer::core::canonical_text(before));  // seq moved on
  State same = before;
  same.seq = run.state.seq;
  same.updated_at = run.state.updated_at;
  CHECK(simmer::core::canonical_text(run.state) == simmer::core::canonical_text(same));
  // retry: pending again, reason cleared, attempts and cost kept.
  const auto attempts = run.state.stories.at("A").attempts;
  run.feed("steered", steered("retry", "A"));
  CHECK(run.state.stories.at("A").status == StoryState::pending);
  CHECK(run.state.stories.at("A").reason.empty());
  CHECK(run.state.stories.at("A").attempts == attempts);
  // skip: blocked, with the person named.
  run.feed("steered", steered("skip", "B"));
  CHECK(run.state.stories.at("B").status == StoryState::blocked);
  CHECK(run.state.stories.at("B").reason == "skipped by a person (simmer skip)");
  CHECK(simmer::core::skip_reason("dashboard") == "skipped by a person (the dashboard)");
}

TEST_CASE("machine: skip of the story in progress: refused while a cook runs, applied to a stopped run") {
  using simmer::core::SteerAction;
  Run run;
  run.take(start(run, {story("A", 0), story("B", 1)}));
  build_ok(run, "A", 0);
  REQUIRE(run.state.story_id == std::string("A"));
  CHECK(simmer::core::steer_refusal(run.state, SteerAction::skip, std::string("A"), true) ==
        std::string("story A is in progress: `simmer stop`, then `simmer skip A` (its commits so far stay on the "
                    "branch)"));
  run.feed("interrupted", {{"signal", "simmer stop"}});
  run.feed("run_finished", {{"result", "interrupted"}, {"exitCode", 130}});
  CHECK_FALSE(simmer::core::steer_refusal(run.state, SteerAction::skip, std::string("A"), false));
  run.feed("steered", steered("skip", "A"));
  CHECK_FALSE(run.state.story_id);
  CHECK(run.state.phase == Phase::orchestrate);
  CHECK(run.state.stories.at("A").status == StoryState::blocked);
  // The next run's snapshot is prd.json, where the shell wrote the skip first: it picks the other story.
  json a = story("A", 0);
  a["status"] = "blocked";
  a["reason"] = simmer::core::skip_reason("cli");
  Effect e = start(run, {a, story("B", 1)});
  CHECK(data_of(e)["storyId"] == "B");
}

TEST_CASE("machine: state.json holds money rounded to the micro-dollar, not the fold's float sum") {
  State s;
  // Two session costs whose binary sum is not 0.3 (0.30000000000000004); volatile: the compiler must add them.
  volatile double first = 0.1;
  volatile double second = 0.2;
  s.spend_total_usd = first + second;
  REQUIRE(s.spend_total_usd != 0.3);
  s.stories["S1"].cost_usd = s.spend_total_usd;
  std::string text = simmer::core::canonical_text(s);
  CHECK(text.find("0.30000000000000004") == std::string::npos);
  json doc = json::parse(text);
  CHECK(doc["spend"]["totalUsd"].get<double>() == 0.3);
  CHECK(doc["stories"]["S1"]["costUsd"].get<double>() == 0.3);
  CHECK(doc["spend"]["totalUsd"].dump() == "0.3");
}

TEST_CASE("machine: an isolated run is named in the state until it is landed, and survives state.json") {
  Run run;
  start(run, json::array({story("S-1", 1)}));
  CHECK_FALSE(run.state.isolated);
  CHECK_FALSE(simmer::core::to_json(run.state).contains("isolated"));
  run.feed("run_started", {{"pid", 43},
                           {"head", {{"branch", "refs/heads/feat"}, {"sha", "b1"}}},
                           {"startedFrom", {{"branch", "refs/heads/main"}, {"sha", "a1"}}}});
  REQUIRE(run.state.isolated);
  CHECK(run.state.isolated->branch == "refs/heads/feat");
  CHECK(run.state.isolated->from_branch == "refs/heads/main");
  CHECK(run.state.isolated->from_sha == "a1");
  const json doc = simmer::core::to_json(run.state);
  CHECK(doc["isolated"] ==
        json{{"branch", "refs/heads/feat"}, {"startedFrom", {{"branch", "refs/heads/main"}, {"sha", "a1"}}}});
  auto back = simmer::core::state_from_json(doc);
  REQUIRE(back.ok());
  CHECK(simmer::core::canonical_text(*back) == simmer::core::canonical_text(run.state));
  // Landing another branch changes nothing; landing this one clears it.
  run.feed("landed", {{"branch", "refs/heads/other"}});
  CHECK(run.state.isolated);
  run.feed("landed", {{"branch", "refs/heads/feat"}});
  CHECK_FALSE(run.state.isolated);
  // A run on the checked-out branch is not isolated, whatever came before.
  run.feed("run_started", {{"pid", 44},
                           {"head", {{"branch", "refs/heads/feat"}, {"sha", "b1"}}},
                           {"startedFrom", {{"branch", "refs/heads/main"}, {"sha", "a1"}}}});
  run.feed("run_started", {{"pid", 45}, {"head", {{"branch", "refs/heads/main"}, {"sha", "a1"}}}});
  CHECK_FALSE(run.state.isolated);
}
