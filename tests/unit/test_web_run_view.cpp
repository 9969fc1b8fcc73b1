// web/run_view: the dashboard's fold of journal events.
#include "web/run_view.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_core_events_support.hpp"

using nlohmann::json;
using simmer::web::RunView;

namespace {

// One journal line; members the test does not name take their kind's defaults (test_core_events_support.hpp).
json ev(int seq, const std::string& kind, json data, const std::string& run = "r1") {
  return {{"seq", seq},
          {"ts", "2026-11-22T10:00:0" + std::to_string(seq % 10) + ".000Z"},
          {"runId", run},
          {"kind", kind},
          {"data", simmer::test::complete(kind, data)}};
}

}  // namespace

TEST_CASE("run_view: idle before any event", "[web]") {
  RunView view;
  json run = view.run_json();
  CHECK(run["status"] == "idle");
  CHECK(run["runId"].is_null());
  CHECK(run["lastSeq"] == 0);
  CHECK(view.story_summary("US-1").is_null());
  CHECK(view.story_detail("US-1").is_null());
}

TEST_CASE("run_view: follows a story from selection to passed", "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}));
  view.apply(ev(2, "story_selected", {{"storyId", "US-1"}, {"by", "harness"}}));
  CHECK(view.story_summary("US-1")["status"] == "running");
  view.apply(ev(3, "phase_started", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}}));
  json run = view.run_json();
  CHECK(run["status"] == "running");
  CHECK(run["phase"] == "build");
  CHECK(run["storyId"] == "US-1");
  CHECK(run["phaseStartedAt"] == "2026-11-22T10:00:03.000Z");
  view.apply(ev(4, "session",
                {{"role", "builder"},
                 {"storyId", "US-1"},
                 {"attempt", 0},
                 {"costUsd", 0.5},
                 {"durationMs", 100},
                 {"transcript", ".simmer/sessions/r1/a.jsonl"}}));
  view.apply(ev(5, "phase_finished", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}, {"durationMs", 100}}));
  view.apply(
      ev(6, "gate", {{"name", "test"}, {"storyId", "US-1"}, {"attempt", 0}, {"passed", true}, {"outputTail", "ok"}}));
  view.apply(ev(7, "verdict",
                {{"storyId", "US-1"},
                 {"attempt", 0},
                 {"verdict", "pass"},
                 {"summary", "good"},
                 {"criteria", {{{"criterion", "a"}, {"passed", true}}}}}));
  view.apply(
      ev(8, "commit",
         {{"storyId", "US-1"}, {"attempt", 0}, {"kind", "record"}, {"sha", "abc1234"}, {"subject", "feat: US-1"}}));
  view.apply(ev(9, "story_passed", {{"storyId", "US-1"}, {"attempts", 1}, {"costUsd", 0.5}}));
  view.apply(ev(10, "run_finished", {{"result", "passed"}, {"exitCode", 0}}));

  json s = view.story_detail("US-1");
  CHECK(s["status"] == "passed");
  CHECK(s["attempts"] == 1);
  CHECK(s["costUsd"] == 0.5);
  CHECK(s["verdict"] == "pass");
  CHECK(s["lastVerdict"]["criteria"][0]["passed"] == true);
  CHECK(s["commits"][0]["sha"] == "abc1234");
  CHECK(s["gates"][0]["outputTail"] == "ok");
  REQUIRE(s["gateRuns"].size() == 1);  // every run, without its output
  CHECK(s["gateRuns"][0]["name"] == s["gates"][0]["name"]);
  CHECK(s["gateRuns"][0]["passed"] == s["gates"][0]["passed"]);
  CHECK_FALSE(s["gateRuns"][0].contains("outputTail"));
  CHECK(s["sessions"][0]["transcript"] == ".simmer/sessions/r1/a.jsonl");
  run = view.run_json();
  CHECK(run["status"] == "passed");
  CHECK(run["phase"].is_null());
  CHECK(run["totals"]["passed"] == 1);
  CHECK(run["spend"].size() == 1);
  CHECK(run["phases"][0]["durationMs"] == 100);
  CHECK(view.story_ids() == std::vector<std::string>{"US-1"});
}

TEST_CASE("run_view: replayed or older seqs are ignored", "[web]") {
  RunView view;
  view.apply(ev(1, "session", {{"storyId", "A"}, {"costUsd", 1.0}}));
  view.apply(ev(1, "session", {{"storyId", "A"}, {"costUsd", 1.0}}));
  view.apply(ev(0, "session", {{"storyId", "A"}, {"costUsd", 1.0}}));
  view.apply(json("not an object"));
  CHECK(view.story_summary("A")["costUsd"] == 1.0);
  CHECK(view.last_seq() == 1);
  // A line the fold would refuse (costUsd is not a number) advances seq and shows nothing.
  view.apply({{"seq", 2},
              {"ts", "2026-11-22T10:00:02.000Z"},
              {"runId", "r1"},
              {"kind", "session"},
              {"data", simmer::test::complete("session", {{"storyId", "A"}, {"costUsd", "lots"}})}});
  CHECK(view.last_seq() == 2);
  CHECK(view.story_summary("A")["costUsd"] == 1.0);
  CHECK(view.run_json()["totals"]["sessions"] == 1);
}

TEST_CASE("run_view: halts and blocked stories are reported, a new run clears the halt", "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}}));
  view.apply(ev(2, "story_blocked", {{"storyId", "B"}, {"reason", "attempts spent"}}));
  view.apply(ev(3, "halted", {{"reason", "budget_total"}, {"detail", "$5 spent"}}));
  view.apply(ev(4, "run_finished", {{"result", "halted"}, {"exitCode", 10}}));
  CHECK(view.story_summary("B")["blockedReason"] == "attempts spent");
  json run = view.run_json();
  CHECK(run["status"] == "halted");
  CHECK(run["halt"]["reason"] == "budget_total");
  view.apply(ev(5, "run_started", {{"phase", "orchestrate"}}, "r2"));
  CHECK(view.run_json()["halt"].is_null());
  CHECK(view.run_json()["runId"] == "r2");
}

TEST_CASE("run_view: chart series stay bounded", "[web]") {
  RunView view;
  for (int i = 1; i <= 10000; ++i) {
    view.apply(ev(i, "session", {{"storyId", "S"}, {"costUsd", 0.01}}));
  }
  json run = view.run_json();
  CHECK(run["spend"].size() <= 2 * simmer::web::k_max_points);
  CHECK(run["spend"].back()["seq"] == 10000);
  CHECK(run["spend"].back()["totalUsd"].get<double>() == Approx(100.0));
}

TEST_CASE("run_view: a pause holds until a resume, a new run or its end, and a refused request changes nothing",
          "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}));
  CHECK(view.run_json()["paused"] == false);
  view.apply(ev(2, "steered", {{"action", "pause"}, {"by", "dashboard"}}));
  CHECK(view.run_json()["paused"] == true);
  view.apply(ev(3, "steered", {{"action", "resume"}, {"by", "dashboard"}, {"refused", "not now"}}));
  CHECK(view.run_json()["paused"] == true);
  view.apply(ev(4, "steered", {{"action", "resume"}, {"by", "cli"}}));
  CHECK(view.run_json()["paused"] == false);
  view.apply(ev(5, "steered", {{"action", "pause"}, {"by", "cli"}}));
  view.apply(ev(6, "run_finished", {{"result", "interrupted"}}));
  CHECK(view.run_json()["paused"] == false);
  view.apply(ev(7, "steered", {{"action", "pause"}, {"by", "cli"}}));
  view.apply(ev(8, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}, "r2"));
  CHECK(view.run_json()["paused"] == false);
}

TEST_CASE("run_view: retry makes a blocked story pending, skip sets a pending one aside", "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}));
  view.apply(ev(2, "story_blocked", {{"storyId", "US-1"}, {"reason", "gate test failed"}}));
  CHECK(view.story_summary("US-1")["status"] == "blocked");
  view.apply(ev(3, "steered", {{"action", "retry"}, {"storyId", "US-1"}, {"by", "dashboard"}}));
  CHECK(view.story_summary("US-1")["status"] == "pending");
  CHECK(view.story_summary("US-1")["blockedReason"].is_null());
  view.apply(ev(4, "steered", {{"action", "skip"}, {"storyId", "US-2"}, {"by", "dashboard"}}));
  CHECK(view.story_summary("US-2")["status"] == "blocked");
  CHECK(view.story_summary("US-2")["blockedReason"] == "skipped by a person (the dashboard)");
  view.apply(ev(5, "steered", {{"action", "skip"}, {"storyId", "US-3"}, {"by", "cli"}, {"refused", "running"}}));
  CHECK(view.story_summary("US-3").is_null());
  view.apply(ev(6, "steered", {{"action", "skip"}, {"storyId", "US-1"}, {"by", "cli"}}));
  CHECK(view.story_summary("US-1")["blockedReason"] == "skipped by a person (simmer skip)");
}

// Issue 13 item 7: the timeline (a row per story, phases as bars, retries and waits visible), the usage-limit
// countdown and the running session the live activity reads.
TEST_CASE(
    "run_view: the timeline has every phase with its times, waits with their end, open phases closed by a run's end",
    "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}));
  view.apply(ev(2, "phase_started", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}}));
  view.apply(ev(3, "session_launched",
                {{"role", "builder"},
                 {"storyId", "US-1"},
                 {"attempt", 0},
                 {"agent", "claude"},
                 {"transcript", ".simmer/sessions/r1/3-builder-0.jsonl"}}));
  json session = view.current_session();
  CHECK(session["role"] == "builder");
  CHECK(session["storyId"] == "US-1");
  CHECK(session["agent"] == "claude");
  CHECK(session["startedAt"] == "2026-11-22T10:00:03.000Z");
  CHECK(session["transcript"] == ".simmer/sessions/r1/3-builder-0.jsonl");
  json open = view.run_json()["timeline"];
  REQUIRE(open.size() == 1);
  CHECK(open[0]["endedAt"].is_null());
  CHECK(open[0]["outcome"].is_null());
  // A usage limit: the session ends, the wait is scheduled until a known time.
  view.apply(ev(4, "session", {{"role", "builder"}, {"storyId", "US-1"}, {"attempt", 0}, {"outcome", "usage_limit"}}));
  CHECK(view.current_session().is_null());
  view.apply(ev(5, "retry_scheduled",
                {{"phase", "build"},
                 {"reason", "usage_limit"},
                 {"delayMs", 3600000},
                 {"retry", 1},
                 {"notBeforeMs", 1795000000000}}));
  json waiting = view.run_json()["waiting"];
  CHECK(waiting == json{{"reason", "usage_limit"},
                        {"phase", "build"},
                        {"retry", 1},
                        {"storyId", "US-1"},
                        {"until", "2026-11-18T11:06:40.000Z"}});
  // The retry's session clears the wait; the phase then ends.
  view.apply(ev(6, "session_launched", {{"role", "builder"}, {"storyId", "US-1"}, {"attempt", 0}}));
  CHECK(view.run_json()["waiting"].is_null());
  view.apply(
      ev(7, "phase_finished", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}, {"outcome", "success"}}));
  view.apply(ev(8, "phase_started", {{"phase", "verify"}, {"storyId", "US-1"}, {"attempt", 0}}));
  // Killed in verify: the next run closes the open phase where the last run's journal ended.
  view.apply(ev(9, "run_started", {{"phase", "verify"}, {"storyId", "US-1"}}, "r2"));
  view.apply(ev(10, "phase_started", {{"phase", "verify"}, {"storyId", "US-1"}, {"attempt", 0}}, "r2"));
  view.apply(ev(11, "run_finished", {{"result", "halted"}}, "r2"));
  view.apply(ev(12, "phase_started", {{"phase", "done"}, {"storyId", nullptr}, {"attempt", 0}}, "r2"));  // no bar
  const json timeline = view.run_json()["timeline"];
  CHECK(timeline == json::parse(R"([
    {"storyId": "US-1", "phase": "build", "attempt": 0, "startedAt": "2026-11-22T10:00:02.000Z",
     "endedAt": "2026-11-22T10:00:07.000Z", "outcome": "success"},
    {"storyId": "US-1", "phase": "wait", "reason": "usage_limit", "for": "build", "retry": 1,
     "startedAt": "2026-11-22T10:00:05.000Z", "endedAt": "2026-11-18T11:06:40.000Z"},
    {"storyId": "US-1", "phase": "verify", "attempt": 0, "startedAt": "2026-11-22T10:00:08.000Z",
     "endedAt": "2026-11-22T10:00:08.000Z", "outcome": "interrupted"},
    {"storyId": "US-1", "phase": "verify", "attempt": 0, "startedAt": "2026-11-22T10:00:00.000Z",
     "endedAt": "2026-11-22T10:00:01.000Z", "outcome": "halted"}])"));
  CHECK(view.current_session().is_null());
}

TEST_CASE("run_view: the timeline keeps its latest entries only", "[web]") {
  RunView view;
  view.apply(ev(1, "run_started", {{"phase", "orchestrate"}, {"storyId", nullptr}}));
  const int n = static_cast<int>(simmer::web::k_max_points) + 50;
  for (int i = 0; i < n; ++i) {
    view.apply(ev(2 + 2 * i, "phase_started", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", i}}));
    view.apply(ev(3 + 2 * i, "phase_finished", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", i}}));
  }
  const json timeline = view.run_json()["timeline"];
  CHECK(timeline.size() == simmer::web::k_max_points);
  CHECK(timeline.back()["attempt"] == n - 1);
  CHECK(timeline.front()["attempt"] == 50);
}
