// The machine with lanes: a lane's own run (RECORD is the coordinator's, merge_failed sends it back to FIX) and a
// coordinator's (lanes started by the scheduler, the merge queue's steps, RECORD of each merged story, halts).
#include <catch2/catch.hpp>

#include "core/lane_view.hpp"
#include "core/machine.hpp"
#include "util/time.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "test_core_events_support.hpp"
#include "test_core_machine_support.hpp"

using nlohmann::json;
using simmer::core::Effect;
using simmer::core::Event;
using simmer::core::FailureKind;
using simmer::core::LaneStatus;
using simmer::core::Phase;
using simmer::core::State;
using simmer::core::StoryState;

namespace fx = simmer::core::effects;

namespace {

using simmer::test::data_of;
using simmer::test::is;
using simmer::test::kind_of;

struct LaneRun {
  State state;
  std::vector<Event> events;

  void feed(const std::string& kind, json data) {
    Event e;
    e.seq = state.seq + 1;
    e.ts = "2026-12-02T10:00:00.000Z";
    e.run_id = "r1";
    e.kind = kind;
    e.data = simmer::test::complete(kind, data);
    events.push_back(e);
    state = simmer::core::apply(state, e);
  }
  std::vector<Effect> effects() const { return simmer::core::next_effects(state); }
  Effect next() const { return simmer::core::next_effect(state); }
  // Journals what an emit effect asks for.
  void take(const Effect& effect) {
    REQUIRE(is<fx::Emit>(effect));
    feed(kind_of(effect), data_of(effect));
  }
};

json lane_story(const std::string& id, int priority, std::vector<std::string> deps = {},
                std::optional<std::vector<std::string>> touches = std::nullopt) {
  json s = {{"id", id},   {"title", "Title " + id}, {"priority", priority}, {"dependencies", deps},
            {"epic", ""}, {"status", "pending"}};
  if (touches) {
    s["touches"] = *touches;
  }
  return s;
}

json lane_limits(json over = json::object()) {
  json l = {{"fix", 2},
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

json parallel(int lanes) {
  return {{"lanes", lanes}, {"serial", json::array()}, {"untouched", "alone"}, {"integrate", "rebase"}};
}

void lane_start(LaneRun& run, json stories, json over) {
  run.feed("run_started", {{"version", "0.1.0"},
                           {"pid", 42},
                           {"resumed", false},
                           {"phase", "orchestrate"},
                           {"storyId", nullptr},
                           {"stories", stories},
                           {"limits", lane_limits(over)}});
}

// The ids of the effects of type T, in order.
template <class T>
std::vector<std::string> ids(const std::vector<Effect>& effects) {
  std::vector<std::string> out;
  for (const auto& e : effects) {
    if (is<T>(e)) {
      out.push_back(std::get<T>(e).story_id);
    }
  }
  return out;
}

// A lane's run through BUILD, gates and a passing verdict.
void pass_in_lane(LaneRun& run, const std::string& id, int attempt) {
  run.feed("phase_started", {{"phase", attempt == 0 ? "build" : "fix"}, {"storyId", id}, {"attempt", attempt}});
  run.feed("session", {{"role", "builder"}, {"storyId", id}, {"attempt", attempt}, {"outcome", "success"}});
  run.feed("handoff_accepted", {{"role", "builder"}, {"storyId", id}, {"attempt", attempt}, {"file", "b"}});
  run.feed("commit", {{"storyId", id}, {"attempt", attempt}, {"kind", attempt == 0 ? "build" : "fix"}, {"sha", "c1"}});
  run.feed("gate", {{"name", "test"}, {"storyId", id}, {"attempt", attempt}, {"passed", true}});
  run.feed("phase_started", {{"phase", "verify"}, {"storyId", id}, {"attempt", attempt}});
  run.feed("session", {{"role", "verifier"}, {"storyId", id}, {"attempt", attempt}, {"outcome", "success"}});
  run.feed("verdict", {{"storyId", id}, {"attempt", attempt}, {"verdict", "pass"}, {"summary", "ok"}});
}

// A coordinator's lane through the merge queue: rebased, gates passed, merged, recorded, passed.
void merge(LaneRun& run, const std::string& id) {
  auto effects = run.effects();
  REQUIRE(is<fx::IntegrateLane>(effects.front()));
  CHECK(std::get<fx::IntegrateLane>(effects.front()).story_id == id);
  run.feed("merge_rebased", {{"storyId", id}, {"onto", "tip"}, {"head", id + "-rebased"}, {"commits", {id + "-c"}}});
  effects = run.effects();
  REQUIRE(is<fx::RunMergeGate>(effects.front()));
  CHECK(std::get<fx::RunMergeGate>(effects.front()).name == "test");
  run.feed("merge_gate", {{"storyId", id}, {"name", "test"}, {"passed", true}});
  effects = run.effects();
  REQUIRE(is<fx::FastForward>(effects.front()));
  CHECK(std::get<fx::FastForward>(effects.front()).sha == id + "-rebased");
  CHECK(std::get<fx::FastForward>(effects.front()).onto == "tip");
  run.feed("merged", {{"storyId", id}, {"branch", "refs/heads/main"}, {"preMerge", "tip"}, {"sha", id + "-rebased"}});
  effects = run.effects();
  REQUIRE(is<fx::Record>(effects.front()));
  CHECK(std::get<fx::Record>(effects.front()).plan.subject == id + ": Title " + id + " (record passed)");
  CHECK(run.state.story_commits == std::vector<std::string>{id + "-c"});
  run.feed("commit", {{"storyId", id}, {"attempt", 0}, {"kind", "record"}, {"sha", "r"}});
  Effect passed = run.effects().front();
  CHECK(kind_of(passed) == "story_passed");
  run.take(passed);
  CHECK(run.state.stories.at(id).status == StoryState::passed);
  CHECK(run.state.lanes.count(id) == 0);
}

// Replay gives the same state, byte for byte.
void check_replay(const LaneRun& run) {
  CHECK(simmer::core::canonical_text(simmer::core::fold(run.events)) == simmer::core::canonical_text(run.state));
  auto back = simmer::core::state_from_json(simmer::core::to_json(run.state));
  REQUIRE(back.ok());
  CHECK(simmer::core::canonical_text(back.value()) == simmer::core::canonical_text(run.state));
}

}  // namespace

TEST_CASE("lane run: a passed story ends the run without a record, and ends it again when relaunched") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  REQUIRE(kind_of(run.next()) == "story_selected");
  run.take(run.next());
  pass_in_lane(run, "A", 0);
  CHECK(run.state.phase == Phase::record);
  REQUIRE(run.state.record);
  CHECK(run.state.record->committed);
  CHECK_FALSE(run.state.commit);
  Effect end = run.next();
  REQUIRE(kind_of(end) == "run_finished");
  CHECK(std::get<simmer::core::events::RunFinished>(std::get<fx::Emit>(end).event).exit_code == 0);
  run.take(end);
  CHECK(is<fx::Idle>(run.next()));
  // Relaunched with nothing to fold: it finishes at once, the story still waiting for the coordinator.
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  CHECK(kind_of(run.next()) == "run_finished");
  CHECK(run.state.stories.at("A").status == StoryState::pending);
  check_replay(run);
}

TEST_CASE("lane run: merge_failed sends a passed story back to FIX once per key, blocked when attempts are spent") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  run.take(run.next());
  pass_in_lane(run, "A", 0);
  run.take(run.next());
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  run.feed(
      "merge_failed",
      {{"storyId", "A"}, {"key", 7}, {"kind", "merge"}, {"summary", "merge conflict in a.txt"}, {"output", "<<<"}});
  CHECK(run.state.phase == Phase::fix);
  CHECK(run.state.attempt == 1);
  REQUIRE(run.state.last_failure);
  CHECK(run.state.last_failure->kind == FailureKind::merge);
  CHECK(run.state.last_failure->output == "<<<");
  CHECK(run.state.merge_key == 7);
  REQUIRE(is<fx::RunAgent>(run.next()));
  // The same decision folded twice (a relaunch that journaled it, killed before the coordinator knew) is ignored.
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 7}, {"kind", "merge"}, {"summary", "again"}});
  CHECK(run.state.attempt == 1);
  pass_in_lane(run, "A", 1);
  run.take(run.next());
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 9}, {"kind", "gate"}, {"summary", "gate failed"}});
  CHECK(run.state.attempt == 2);
  pass_in_lane(run, "A", 2);
  run.take(run.next());
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 12}, {"kind", "merge"}, {"summary", "conflict again"}});
  // fix = 2: the third failure blocks the story, still without a record commit.
  CHECK(run.state.phase == Phase::record);
  REQUIRE(run.state.record);
  CHECK(run.state.record->result == StoryState::blocked);
  CHECK(run.state.record->committed);
  Effect end = run.next();
  REQUIRE(kind_of(end) == "run_finished");
  CHECK(std::get<simmer::core::events::RunFinished>(std::get<fx::Emit>(end).event).result ==
        simmer::core::RunResult::blocked);
  check_replay(run);
}

TEST_CASE("lane run: merge_failed for another story, a lower key or a story not passed is ignored") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1)}), {{"lane", true}});
  run.take(run.next());
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 3}, {"kind", "merge"}, {"summary", "x"}});
  CHECK(run.state.phase == Phase::build);
  CHECK(run.state.merge_key == 0);
  pass_in_lane(run, "A", 0);
  run.feed("merge_failed", {{"storyId", "B"}, {"key", 3}, {"kind", "merge"}, {"summary", "x"}});
  CHECK(run.state.phase == Phase::record);
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 5}, {"kind", "merge"}, {"summary", "x"}});
  CHECK(run.state.phase == Phase::fix);
  pass_in_lane(run, "A", 1);
  run.feed("merge_failed", {{"storyId", "A"}, {"key", 4}, {"kind", "merge"}, {"summary", "older"}});
  CHECK(run.state.phase == Phase::record);
}

TEST_CASE("coordinator: disjoint stories start in lanes, merge through the queue, then their dependants start") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"src/a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"src/b/**"}),
                          lane_story("C", 3, {"A"}, std::vector<std::string>{"src/c/**"})}),
             {{"parallel", parallel(2)}});
  REQUIRE(simmer::core::coordinating(run.state));
  auto effects = run.effects();
  CHECK(ids<fx::StartLane>(effects) == std::vector<std::string>{"A", "B"});
  CHECK(is<fx::StartLane>(run.next()));
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("lane_started", {{"storyId", "B"}, {"branch", "simmer/r1/B"}, {"worktree", "/w/B"}, {"base", "t0"}});
  effects = run.effects();
  CHECK(ids<fx::RunLane>(effects) == std::vector<std::string>{"A", "B"});
  CHECK(ids<fx::StartLane>(effects).empty());  // C waits for A to be merged
  CHECK(is<fx::AwaitLanes>(effects.back()));
  CHECK(run.state.iterations_run == 2);
  run.feed("lane_finished", {{"storyId", "A"},
                             {"result", "passed"},
                             {"head", "a1"},
                             {"attempts", 1},
                             {"costUsd", 0.25},
                             {"summary", "A works"}});
  CHECK(run.state.spend_total_usd == Approx(0.25));
  CHECK(run.state.lanes.at("A").status == LaneStatus::queued);
  effects = run.effects();
  CHECK(ids<fx::RunLane>(effects) == std::vector<std::string>{"B"});  // B runs on while A merges
  merge(run, "A");
  effects = run.effects();
  CHECK(ids<fx::StartLane>(effects) == std::vector<std::string>{"C"});
  CHECK(ids<fx::RunLane>(effects) == std::vector<std::string>{"B"});
  run.feed("lane_started", {{"storyId", "C"}, {"branch", "simmer/r1/C"}, {"worktree", "/w/C"}, {"base", "A-rebased"}});
  run.feed("lane_finished", {{"storyId", "C"},
                             {"result", "passed"},
                             {"head", "c1"},
                             {"attempts", 1},
                             {"costUsd", 0.5},
                             {"summary", "C works"}});
  run.feed("lane_finished", {{"storyId", "B"},
                             {"result", "passed"},
                             {"head", "b1"},
                             {"attempts", 2},
                             {"costUsd", 0.125},
                             {"summary", "B works"}});
  CHECK(run.state.merge_queue == std::vector<std::string>{"C", "B"});  // in the order their lanes finished
  CHECK(run.state.spend_total_usd == Approx(0.875));
  merge(run, "C");
  merge(run, "B");
  CHECK(run.state.stories.at("B").attempts == 2);
  Effect done = run.effects().front();
  REQUIRE(kind_of(done) == "phase_started");
  run.take(done);
  Effect finished = run.effects().front();
  REQUIRE(kind_of(finished) == "run_finished");
  run.take(finished);
  CHECK(run.state.exit_code == 0);
  CHECK(is<fx::Idle>(run.effects().front()));
  check_replay(run);
}

TEST_CASE("coordinator: a conflict or a gate failing on the merged tree sends the story back to its lane") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"})}), {{"parallel", parallel(3)}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "passed"}, {"head", "a1"}, {"attempts", 1}});
  run.feed("merge_conflicted", {{"storyId", "A"},
                                {"onto", "0123456789abcdef"},
                                {"files", {"a/x.txt", "a/y.txt"}},
                                {"hunks", "<<<<<<< a/x.txt"}});
  const std::int64_t key = run.state.seq;
  auto effects = run.effects();
  REQUIRE(effects.size() == 2);
  REQUIRE(is<fx::RunLane>(effects[0]));
  CHECK(is<fx::AwaitLanes>(effects[1]));
  const auto& lane = std::get<fx::RunLane>(effects[0]);
  REQUIRE(lane.failure);
  CHECK(lane.failure->kind == FailureKind::merge);
  CHECK(lane.failure->summary ==
        "merge conflict with the integration branch (0123456789ab) in 2 files: a/x.txt, a/y.txt");
  CHECK(lane.failure->output == "<<<<<<< a/x.txt");
  CHECK(lane.failure_key == key);
  CHECK(run.state.merge_queue.empty());
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "passed"}, {"head", "a2"}, {"attempts", 2}});
  CHECK_FALSE(run.state.lanes.at("A").failure);
  run.feed("merge_rebased", {{"storyId", "A"}, {"onto", "t0"}, {"head", "a3"}, {"commits", {"a3"}}});
  run.feed("merge_gate",
           {{"storyId", "A"}, {"name", "test"}, {"passed", false}, {"exitCode", 2}, {"outputTail", "1 failed"}});
  effects = run.effects();
  REQUIRE(is<fx::RunLane>(effects[0]));
  const auto& again = std::get<fx::RunLane>(effects[0]);
  REQUIRE(again.failure);
  CHECK(again.failure->kind == FailureKind::gate);
  CHECK(again.failure->summary == "gate \"test\" failed on the merged tree (exit 2)");
  CHECK(again.failure->output == "1 failed");
  CHECK(again.failure_key == run.state.seq);
  // Events the state moved past (a stale merge step of the lane now running) change nothing.
  run.feed("merged", {{"storyId", "A"}, {"branch", "refs/heads/main"}, {"preMerge", "t0"}, {"sha", "a3"}});
  CHECK(run.state.phase == Phase::orchestrate);
  CHECK(run.state.lanes.at("A").status == LaneStatus::running);
  check_replay(run);
}

TEST_CASE("coordinator: a blocked lane is recorded by the queue's cursor, after the story it is recording") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"b/**"}),
                          lane_story("C", 3, {"B"}, std::vector<std::string>{"c/**"})}),
             {{"parallel", parallel(2)}, {"gates", json::array()}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("lane_started", {{"storyId", "B"}, {"branch", "simmer/r1/B"}, {"worktree", "/w/B"}, {"base", "t0"}});
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "passed"}, {"head", "a1"}, {"attempts", 1}});
  run.feed("merge_rebased", {{"storyId", "A"}, {"onto", "t0"}, {"head", "a1"}, {"commits", {"a1"}}});
  // No gates: straight to the fast-forward.
  REQUIRE(is<fx::FastForward>(run.effects().front()));
  run.feed("merged", {{"storyId", "A"}, {"branch", "refs/heads/main"}, {"preMerge", "t0"}, {"sha", "a1"}});
  CHECK(run.state.story_id == "A");
  run.feed("lane_finished", {{"storyId", "B"},
                             {"result", "blocked"},
                             {"head", "b1"},
                             {"attempts", 3},
                             {"reason", "gave up after 3 attempts: gate \"test\" failed"}});
  CHECK(run.state.story_id == "A");  // the cursor is A's until its record is done
  CHECK(run.state.merge_queue == std::vector<std::string>{"B"});
  run.feed("commit", {{"storyId", "A"}, {"kind", "record"}, {"sha", "r1"}});
  run.take(run.effects().front());  // story_passed A: the cursor takes B
  CHECK(run.state.story_id == "B");
  CHECK(run.state.phase == Phase::record);
  Effect rec = run.effects().front();
  REQUIRE(is<fx::Record>(rec));
  CHECK(std::get<fx::Record>(rec).plan.subject == "B: Title B (record blocked)");
  run.feed("commit", {{"storyId", "B"}, {"kind", "record"}, {"sha", "r2"}});
  Effect blocked = run.effects().front();
  REQUIRE(kind_of(blocked) == "story_blocked");
  run.take(blocked);
  CHECK(run.state.stories.at("B").status == StoryState::blocked);
  // C can never run: the run is done, blocked.
  Effect done = run.effects().front();
  REQUIRE(kind_of(done) == "phase_started");
  run.take(done);
  run.take(run.effects().front());
  CHECK(run.state.exit_code == static_cast<int>(simmer::ExitCode::blocked));
  check_replay(run);
}

TEST_CASE("coordinator: a story without touches runs alone, and holds the later stories with it") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}), lane_story("U", 2),
                          lane_story("B", 3, {}, std::vector<std::string>{"b/**"}),
                          lane_story("C", 4, {}, std::vector<std::string>{"c/**"})}),
             {{"parallel", parallel(2)}});
  // A starts; U (no touches) waits for it and holds the later stories with it.
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"A"});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "b"}, {"worktree", "/w/A"}, {"base", "t0"}});
  CHECK(ids<fx::StartLane>(run.effects()).empty());
}

TEST_CASE("coordinator: a halted lane halts the run, and lanes in flight resume with the next run") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"b/**"})}),
             {{"parallel", parallel(2)}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "b"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("lane_started", {{"storyId", "B"}, {"branch", "b"}, {"worktree", "/w/B"}, {"base", "t0"}});
  run.feed("lane_finished", {{"storyId", "A"},
                             {"result", "halted"},
                             {"head", "a"},
                             {"attempts", 1},
                             {"reason", "story A spent $1.0000 of its budget $1.0000"},
                             {"halt", "budget_story"}});
  CHECK(run.state.phase == Phase::halt);
  auto effects = run.effects();
  REQUIRE(effects.size() == 1);
  REQUIRE(kind_of(effects[0]) == "run_finished");
  run.take(effects[0]);
  CHECK(run.state.exit_code == static_cast<int>(simmer::ExitCode::halted));
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"b/**"})}),
             {{"parallel", parallel(2)}});
  CHECK(ids<fx::RunLane>(run.effects()) == std::vector<std::string>{"A", "B"});
  check_replay(run);
}

TEST_CASE("coordinator: maxIterations and the total budget stop new lanes, then halt the run") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"b/**"})}),
             {{"parallel", parallel(2)}, {"maxIterations", 1}, {"gates", json::array()}});
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"A", "B"});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "b"}, {"worktree", "/w/A"}, {"base", "t0"}});
  CHECK(ids<fx::StartLane>(run.effects()).empty());
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "blocked"}, {"head", "a"}, {"attempts", 1}, {"reason", "x"}});
  run.feed("commit", {{"storyId", "A"}, {"kind", "record"}, {"sha", "r"}});
  run.take(run.effects().front());
  Effect halt = run.effects().front();
  REQUIRE(kind_of(halt) == "halted");
  CHECK(data_of(halt)["reason"] == "max_iterations");

  LaneRun spent;
  lane_start(spent, json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"})}),
             {{"parallel", parallel(2)}, {"budgetTotal", 1.0}});
  spent.feed("lane_started", {{"storyId", "A"}, {"branch", "b"}, {"worktree", "/w/A"}, {"base", "t0"}});
  spent.feed(
      "lane_finished",
      {{"storyId", "A"}, {"result", "blocked"}, {"head", "a"}, {"attempts", 1}, {"costUsd", 1.5}, {"reason", "x"}});
  CHECK(spent.state.spend_total_usd == Approx(1.5));
}

TEST_CASE("coordinator state: lanes, the queue and touches survive state.json, and one lane writes none of them") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"})}), {{"parallel", parallel(2)}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "passed"}, {"head", "a1"}, {"attempts", 1}});
  json doc = simmer::core::to_json(run.state);
  CHECK(doc["lanes"]["A"]["status"] == "queued");
  CHECK(doc["mergeQueue"] == json::array({"A"}));
  CHECK(doc["stories"]["A"]["touches"] == json::array({"a/**"}));
  CHECK(doc["limits"]["parallel"]["lanes"] == 2);
  check_replay(run);

  LaneRun one;
  lane_start(one, json::array({lane_story("A", 1)}), json::object());
  json plain = simmer::core::to_json(one.state);
  CHECK_FALSE(plain.contains("lanes"));
  CHECK_FALSE(plain.contains("mergeQueue"));
  CHECK_FALSE(plain.contains("mergeKey"));
  CHECK_FALSE(plain["limits"].contains("parallel"));
  CHECK_FALSE(plain["limits"].contains("lane"));
  CHECK_FALSE(plain["stories"]["A"].contains("touches"));
  CHECK_FALSE(simmer::core::coordinating(one.state));
  // A parallel block of one lane is a run of one lane.
  LaneRun single;
  lane_start(single, json::array({lane_story("A", 1)}), {{"parallel", parallel(1)}});
  CHECK_FALSE(simmer::core::coordinating(single.state));
  CHECK(kind_of(single.next()) == "story_selected");
}

namespace {

void started(LaneRun& run, const std::string& id) {
  run.feed("lane_started", {{"storyId", id}, {"branch", "simmer/r1/" + id}, {"worktree", "/w/" + id}, {"base", "t0"}});
}

void finished(LaneRun& run, const std::string& id, const std::string& result = "passed") {
  run.feed("lane_finished", {{"storyId", id}, {"result", result}, {"head", id + "1"}, {"attempts", 1}});
}

void touched(LaneRun& run, const std::string& id, std::vector<std::string> paths) {
  run.feed("lane_touched", {{"storyId", id}, {"head", id + "1"}, {"paths", paths}});
}

json abc_stories() {
  return json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                      lane_story("B", 2, {}, std::vector<std::string>{"b/**"}),
                      lane_story("C", 3, {}, std::vector<std::string>{"c/**"})});
}

// Stories A, B and C (a/**, b/**, c/**), each in a lane of a three-lane run.
void three_lanes(LaneRun& run) {
  lane_start(run, abc_stories(), {{"parallel", parallel(3)}});
  started(run, "A");
  started(run, "B");
  started(run, "C");
}

}  // namespace

TEST_CASE("coordinator: a story whose diff strayed into a running lane's globs merges after that lane") {
  LaneRun run;
  three_lanes(run);
  touched(run, "A", {"a/x.txt", "b/shared.txt"});  // b/shared.txt is B's: A strayed
  touched(run, "A", {"a/x.txt", "a/y.txt"});       // folded as a union
  CHECK(run.state.lanes.at("A").touched == std::vector<std::string>{"a/x.txt", "a/y.txt", "b/shared.txt"});
  auto strays = simmer::core::lane_strays(run.state, "A");
  REQUIRE(strays.size() == 1);
  CHECK(strays[0].path == "b/shared.txt");
  CHECK(strays[0].lane == "B");
  CHECK(strays[0].pattern == "b/**");
  finished(run, "A");
  auto effects = run.effects();
  CHECK(ids<fx::IntegrateLane>(effects).empty());  // A waits for B, which is still running
  CHECK(!simmer::core::merge_pick(run.state));
  CHECK(is<fx::AwaitLanes>(effects.back()));
  finished(run, "C");
  CHECK(run.state.merge_queue == std::vector<std::string>{"A", "C"});
  merge(run, "C");  // C strayed nowhere: it goes past A
  finished(run, "B");
  CHECK(run.state.merge_queue == std::vector<std::string>{"A", "B"});
  merge(run, "B");  // B is queued now: it still goes first, A strayed into it
  merge(run, "A");
  check_replay(run);
}

TEST_CASE("coordinator: strays in a cycle keep the queue's order, and a blocked lane is recorded past a waiting one") {
  SECTION("two lanes that strayed into each other") {
    LaneRun run;
    lane_start(run, abc_stories(), {{"parallel", parallel(3)}});
    started(run, "A");
    started(run, "B");
    touched(run, "A", {"b/x"});
    touched(run, "B", {"a/x"});
    finished(run, "B");
    CHECK(!simmer::core::merge_pick(run.state));  // A is running, and B strayed into it
    finished(run, "A");
    merge(run, "B");
    merge(run, "A");
  }
  SECTION("three, each into the next: the queue's head goes once none is running") {
    LaneRun run;
    three_lanes(run);
    touched(run, "A", {"b/x"});
    touched(run, "B", {"c/x"});
    touched(run, "C", {"a/x"});
    finished(run, "B");
    finished(run, "C");
    CHECK(!simmer::core::merge_pick(run.state));
    finished(run, "A");
    CHECK(simmer::core::merge_pick(run.state) == std::optional<std::string>("B"));
    merge(run, "B");
    merge(run, "A");  // C strayed into A, A's stray is merged: the cycle is gone
    merge(run, "C");
  }
  SECTION("a blocked lane has nothing to merge") {
    LaneRun run;
    three_lanes(run);
    touched(run, "A", {"b/x"});
    finished(run, "A");
    finished(run, "C", "blocked");
    CHECK(run.state.phase == Phase::record);  // C's record, while A waits for B
    CHECK(run.state.story_id == std::optional<std::string>("C"));
  }
}

TEST_CASE("coordinator: what a lane's diff touched widens its write set for the scheduler") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"b/**"}),
                          lane_story("D", 3, {}, std::vector<std::string>{"d/**"})}),
             {{"parallel", parallel(2)}});
  started(run, "A");
  started(run, "B");
  touched(run, "A", {"d/readme.md"});  // outside a/**: D's now
  finished(run, "B", "blocked");
  run.feed("commit", {{"storyId", "B"}, {"kind", "record"}, {"sha", "r2"}});
  run.take(run.effects().front());  // story_blocked B: a lane is free
  CHECK(run.state.lanes.count("B") == 0);
  CHECK(ids<fx::StartLane>(run.effects()).empty());  // D would write where A's diff did
  touched(run, "A", {"a/x"});
  finished(run, "A");
  merge(run, "A");
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"D"});
  check_replay(run);
}

TEST_CASE("lanes view: each lane's own phase, attempt, spend and time, and what a queued story waits for") {
  LaneRun run;
  three_lanes(run);
  touched(run, "A", {"b/x"});
  finished(run, "A");
  finished(run, "C");
  run.feed("merge_rebased", {{"storyId", "C"}, {"onto", "t0"}, {"head", "c2"}, {"commits", {"c2"}}});
  LaneRun b_lane;  // B's own run, in its BUILD
  lane_start(b_lane, json::array({lane_story("B", 2)}), {{"lane", true}});
  b_lane.take(b_lane.next());  // story_selected
  b_lane.feed("phase_started", {{"phase", "build"}, {"storyId", "B"}, {"attempt", 0}});
  b_lane.feed("session",
              {{"role", "builder"}, {"storyId", "B"}, {"attempt", 0}, {"outcome", "success"}, {"costUsd", 0.5}});
  const std::int64_t now = *simmer::util::parse_iso8601("2026-12-02T10:01:30.000Z");
  auto view = simmer::core::lanes_view(run.state, {{"B", b_lane.state}}, now);
  CHECK(view.lanes == 3);
  CHECK(view.merge_queue == std::vector<std::string>{"A", "C"});
  CHECK(view.next == std::optional<std::string>("C"));
  REQUIRE(view.rows.size() == 3);
  CHECK(view.rows[0].story_id == "A");
  CHECK(view.rows[0].status == "queued");
  CHECK(view.rows[0].result == "passed");
  REQUIRE(view.rows[0].waits_for);
  CHECK(simmer::core::describe_wait(*view.rows[0].waits_for) ==
        "waits for B to merge first: its diff touched b/x, which B may write (b/**)");
  CHECK(view.rows[0].elapsed_ms == 90000);
  CHECK(view.rows[1].status == "running");
  CHECK(view.rows[1].phase == "build");
  CHECK(view.rows[1].cost_usd == Approx(0.5));  // live, from its own state
  CHECK(view.rows[1].branch == "simmer/r1/B");
  CHECK(view.rows[2].status == "merging");
  CHECK_FALSE(view.rows[2].waits_for);
  auto doc = simmer::core::lanes_view_json(view);
  CHECK(doc["rows"][0]["waitsFor"]["lane"] == "B");
  CHECK(doc["rows"][1]["waitsFor"].is_null());
  CHECK(doc["next"] == "C");
  // A lane whose state is not readable yet still has a row, its phase unknown.
  auto bare = simmer::core::lanes_view(run.state, {}, now);
  CHECK(bare.rows[1].phase.empty());
}

TEST_CASE("coordinator: feedback notes claimed before a lane starts are that lane's story's") {
  LaneRun run;
  lane_start(run, abc_stories(), {{"parallel", parallel(3)}});
  run.feed("feedback_claimed",
           {{"files",
             json::array(
                 {{{"path", ".simmer/feedback/claimed/000001-note.md"}, {"bytes", 9}, {"preview", "Use tabs"}}})}});
  CHECK(run.state.feedback_pending.size() == 1);
  started(run, "A");
  started(run, "B");
  REQUIRE(run.state.lanes.at("A").guidance.size() == 1);
  CHECK(run.state.lanes.at("A").guidance[0].preview == "Use tabs");
  CHECK(run.state.lanes.at("B").guidance.empty());  // a note goes to the next story only, as in one lane
  CHECK(run.state.feedback_pending.empty());
  CHECK(simmer::core::to_json(run.state)["lanes"]["A"]["guidance"][0]["path"] ==
        ".simmer/feedback/claimed/000001-note.md");
  CHECK_FALSE(simmer::core::to_json(run.state)["lanes"]["B"].contains("guidance"));
  check_replay(run);
}

TEST_CASE("coordinator: a capped agent's sessions bound the lanes it builds in") {
  LaneRun run;
  json p = parallel(3);
  p["agent"] = "claude";
  p["sessions"] = 1;
  lane_start(run, abc_stories(), {{"parallel", p}});
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"A"});
  started(run, "A");
  CHECK(ids<fx::StartLane>(run.effects()).empty());
  finished(run, "A");  // queued for the merge: it holds no session
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"B"});
  json doc = simmer::core::to_json(run.state);
  CHECK(doc["limits"]["parallel"]["sessions"] == 1);
  CHECK(doc["limits"]["parallel"]["agent"] == "claude");
  check_replay(run);
}

TEST_CASE("coordinator: a pause starts no new lane while those in flight and the merge queue go on, resume starts") {
  LaneRun run;
  lane_start(run,
             json::array({lane_story("A", 1, {}, std::vector<std::string>{"src/a/**"}),
                          lane_story("B", 2, {}, std::vector<std::string>{"src/b/**"})}),
             {{"parallel", parallel(1 + 1)}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  run.feed("steered", {{"action", "pause"}, {"storyId", nullptr}, {"by", "dashboard"}, {"request", "r"}});
  auto effects = run.effects();
  CHECK(ids<fx::StartLane>(effects).empty());  // B would start beside A
  CHECK(ids<fx::RunLane>(effects) == std::vector<std::string>{"A"});
  CHECK(is<fx::AwaitLanes>(effects.back()));
  run.feed("lane_finished", {{"storyId", "A"}, {"result", "passed"}, {"head", "a1"}, {"attempts", 1}});
  merge(run, "A");  // the queue finishes what is in flight
  effects = run.effects();
  REQUIRE(effects.size() == 1);
  CHECK(is<fx::Paused>(effects.front()));
  CHECK(simmer::core::steer_refusal(run.state, simmer::core::SteerAction::skip, std::string("A"), true) ==
        std::string("story A is passed already: skip sets a pending story aside"));
  run.feed("steered", {{"action", "resume"}, {"storyId", nullptr}, {"by", "cli"}, {"request", "r2"}});
  CHECK(ids<fx::StartLane>(run.effects()) == std::vector<std::string>{"B"});
  check_replay(run);
}

TEST_CASE("coordinator: a story in flight in a lane cannot be retried or skipped") {
  LaneRun run;
  lane_start(run, json::array({lane_story("A", 1, {}, std::vector<std::string>{"src/a/**"})}),
             {{"parallel", parallel(2)}});
  run.feed("lane_started", {{"storyId", "A"}, {"branch", "simmer/r1/A"}, {"worktree", "/w/A"}, {"base", "t0"}});
  CHECK(simmer::core::steer_refusal(run.state, simmer::core::SteerAction::skip, std::string("A"), true) ==
        std::string("story A is in a lane of the run (it is merged or recorded first); steering a story in a lane is "
                    "not supported yet"));
}
