// core/stats: the figures of `simmer stats`, computed from journal lines held in memory.
#include "core/stats.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using simmer::core::RunScope;
using simmer::core::StatsAccumulator;

namespace {

std::string event(int seq, const std::string& run, const std::string& kind, const json& data) {
  json e = {{"seq", seq}, {"ts", "2026-11-22T10:00:00.000Z"}, {"runId", run}, {"kind", kind}, {"data", data}};
  return e.dump();
}

json session(const std::string& role, const std::string& story, const std::string& model, double cost, double duration,
             int input = 100, int output = 10, int cache_read = 300, int cache_write = 100) {
  return {{"role", role},
          {"storyId", story},
          {"attempt", 0},
          {"agent", "script"},
          {"model", model},
          {"sessionId", "s-" + story + "-" + role},
          {"tokens", {{"input", input}, {"output", output}, {"cacheRead", cache_read}, {"cacheWrite", cache_write}}},
          {"turns", 3},
          {"durationMs", duration},
          {"costUsd", cost},
          {"costReported", true},
          {"outcome", "success"},
          {"error", nullptr},
          {"transcript", ".simmer/sessions/r1/x.jsonl"}};
}

// A small, realistic run: two stories, one passes after a fix, one is blocked.
std::vector<std::string> sample_run(const std::string& run, int first_seq) {
  int s = first_seq;
  return {
      event(s++, run, "run_started",
            {{"version", "0.1.0"}, {"pid", 1}, {"resumed", false}, {"phase", "orchestrate"}, {"storyId", nullptr}}),
      event(s++, run, "story_selected", {{"storyId", "US-1"}, {"by", "harness"}}),
      event(s++, run, "phase_started", {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}}),
      event(s++, run, "session", session("builder", "US-1", "sonnet", 0.50, 1000)),
      event(s++, run, "phase_finished",
            {{"phase", "build"}, {"storyId", "US-1"}, {"attempt", 0}, {"durationMs", 1000}, {"outcome", "ok"}}),
      event(s++, run, "gate",
            {{"name", "test"},
             {"storyId", "US-1"},
             {"attempt", 0},
             {"exitCode", 1},
             {"passed", false},
             {"timedOut", false},
             {"durationMs", 5},
             {"outputTail", "x"}}),
      event(s++, run, "phase_started", {{"phase", "fix"}, {"storyId", "US-1"}, {"attempt", 1}}),
      event(s++, run, "retry_scheduled", {{"phase", "fix"}, {"reason", "transient"}, {"delayMs", 10}, {"retry", 1}}),
      event(s++, run, "session", session("builder", "US-1", "sonnet", 0.25, 3000)),
      event(s++, run, "phase_finished",
            {{"phase", "fix"}, {"storyId", "US-1"}, {"attempt", 1}, {"durationMs", 3000}, {"outcome", "ok"}}),
      event(s++, run, "gate",
            {{"name", "test"},
             {"storyId", "US-1"},
             {"attempt", 1},
             {"exitCode", 0},
             {"passed", true},
             {"timedOut", false},
             {"durationMs", 5},
             {"outputTail", ""}}),
      event(s++, run, "session", session("verifier", "US-1", "haiku", 0.25, 2000)),
      event(s++, run, "verdict",
            {{"storyId", "US-1"}, {"attempt", 1}, {"verdict", "pass"}, {"summary", "ok"}, {"criteria", json::array()}}),
      event(s++, run, "story_passed", {{"storyId", "US-1"}, {"attempts", 2}, {"costUsd", 1.0}}),
      event(s++, run, "story_selected", {{"storyId", "US-2"}, {"by", "orchestrator"}}),
      event(s++, run, "phase_started", {{"phase", "build"}, {"storyId", "US-2"}, {"attempt", 0}}),
      event(s++, run, "session", session("builder", "US-2", "sonnet", 1.0, 2000)),
      event(s++, run, "phase_finished",
            {{"phase", "build"}, {"storyId", "US-2"}, {"attempt", 0}, {"durationMs", 2000}, {"outcome", "ok"}}),
      event(s++, run, "retry_scheduled", {{"phase", "verify"}, {"reason", "contract"}, {"delayMs", 0}, {"retry", 1}}),
      event(s++, run, "session", session("verifier", "US-2", "haiku", 0.5, 1000)),
      event(s++, run, "verdict",
            {{"storyId", "US-2"},
             {"attempt", 0},
             {"verdict", "fail_abort"},
             {"summary", "no"},
             {"criteria", json::array()}}),
      event(s++, run, "story_blocked", {{"storyId", "US-2"}, {"reason", "verifier aborted"}}),
      event(s++, run, "run_finished", {{"result", "blocked"}, {"exitCode", 11}}),
  };
}

simmer::core::StatsReport fold(const std::vector<std::string>& lines, RunScope scope, const std::string& run) {
  StatsAccumulator acc(scope, run);
  for (const auto& l : lines) {
    acc.add_line(l);
  }
  return acc.report();
}

}  // namespace

TEST_CASE("stats: totals of a run", "[stats]") {
  auto r = fold(sample_run("r1", 1), RunScope::run, "r1");
  CHECK(r.events == 23);
  CHECK(r.malformed_lines == 0);
  CHECK(r.stories_passed == 1);
  CHECK(r.stories_blocked == 1);
  CHECK(r.iterations == 2);
  CHECK(r.fixes == 1);
  CHECK(r.sessions == 5);
  CHECK(r.sessions_by_role.at("builder") == 3);
  CHECK(r.sessions_by_role.at("verifier") == 2);
  CHECK(r.cost_usd == Approx(2.5));
  CHECK(r.cost_by_model.at("sonnet") == Approx(1.75));
  CHECK(r.cost_by_model.at("haiku") == Approx(0.75));
  CHECK(r.cost_by_role.at("verifier") == Approx(0.75));
  CHECK(r.cost_by_story.at("US-1") == Approx(1.0));
  CHECK(r.cost_by_story.at("US-2") == Approx(1.5));
  REQUIRE(r.cost_per_passed_story);
  CHECK(*r.cost_per_passed_story == Approx(2.5));
  CHECK(r.tokens_input == 500);
  CHECK(r.tokens_output == 50);
  CHECK(r.tokens_cache_read == 1500);
  CHECK(r.tokens_cache_write == 500);
  REQUIRE(r.cache_hit_ratio);
  CHECK(*r.cache_hit_ratio == Approx(0.6));
  CHECK(r.phase_durations.at("build").count == 2);
  CHECK(r.phase_durations.at("build").p50 == 1000);
  CHECK(r.phase_durations.at("build").max == 2000);
  CHECK(r.retries_by_phase.at("fix").transient == 1);
  CHECK(r.retries_by_phase.at("verify").contract == 1);
  CHECK(r.gates.runs == 2);
  CHECK(r.gates.passed == 1);
  CHECK(*r.gate_pass_rate == Approx(0.5));
  CHECK(r.verdicts == 2);
  CHECK(*r.verifier_rejection_rate == Approx(0.5));
  CHECK(r.first_seq == 1);
  CHECK(r.last_seq == 23);
}

TEST_CASE("stats: a run filter ignores other runs, --all counts them all", "[stats]") {
  auto lines = sample_run("r1", 1);
  auto second = sample_run("r2", 24);
  lines.insert(lines.end(), second.begin(), second.end());
  auto only_r2 = fold(lines, RunScope::run, "r2");
  CHECK(only_r2.events == 23);
  CHECK(only_r2.first_seq == 24);
  CHECK(only_r2.run_ids == std::vector<std::string>{"r2"});
  auto all = fold(lines, RunScope::all, "");
  CHECK(all.events == 46);
  CHECK(all.cost_usd == Approx(5.0));
  CHECK(all.run_ids == std::vector<std::string>{"r1", "r2"});
  auto none = fold(lines, RunScope::latest, "");
  CHECK(none.events == 0);
  CHECK(none.lines == 46);
}

TEST_CASE("stats: every truncation of a line is counted malformed, never fatal", "[stats]") {
  std::string line = event(7, "r1", "session", session("builder", "US-1", "sonnet", 0.5, 1000));
  for (std::size_t cut = 1; cut < line.size(); ++cut) {
    StatsAccumulator acc(RunScope::all, "");
    acc.add_line(line.substr(0, cut));
    auto r = acc.report();
    INFO("cut at byte " << cut << ": " << line.substr(0, cut));
    CHECK(r.malformed_lines == 1);
    CHECK(r.events == 0);
    CHECK(r.sessions == 0);
  }
  StatsAccumulator whole(RunScope::all, "");
  whole.add_line(line);
  CHECK(whole.report().sessions == 1);
}

// simdjson On-Demand finds a syntax error inside `data` only when a lookup walks over it, and after that error the
// document must not be touched again (its parser pointer is null): this line crashed `simmer stats` (SIGSEGV).
TEST_CASE("stats: a data object broken half-way is counted malformed, never a crash", "[stats]") {
  StatsAccumulator acc(RunScope::all, "");
  acc.add_line(R"({"data":{"":0,"":,""},"kind":"session","":"","seq":8,"":""})");
  auto r = acc.report();
  CHECK(r.lines == 1);
  CHECK(r.malformed_lines == 1);
  CHECK(r.events == 0);
  CHECK(r.sessions == 0);
}

TEST_CASE("stats: every byte of a session's data replaced by a separator is counted or skipped", "[stats]") {
  std::string line = event(7, "r1", "session", session("builder", "US-1", "sonnet", 0.5, 1000));
  std::size_t data_start = line.find("\"data\":{") + 7;
  std::size_t data_end = line.find("},\"kind\"");
  REQUIRE(data_start < data_end);
  std::uint64_t broken = 0;
  for (std::size_t at = data_start; at < data_end; ++at) {
    for (char c : {',', ':', '"', '}', '{', ']', 'x', '\\'}) {
      std::string bad = line;
      bad[at] = c;
      StatsAccumulator acc(RunScope::all, "");
      acc.add_line(bad);
      auto r = acc.report();
      INFO("byte " << at << " -> " << c << ": " << bad);
      CHECK(r.lines == 1);
      CHECK(r.malformed_lines + r.events == 1);
      CHECK(r.sessions <= r.events);
      broken += r.malformed_lines;
    }
  }
  CHECK(broken > 0);  // the loop did reach lines whose data is broken
}

TEST_CASE("stats: figures too large for an integer are capped, not converted out of range", "[stats]") {
  StatsAccumulator acc(RunScope::all, "");
  json data = session("builder", "US-1", "sonnet", 1e300, 1e300);
  data["attempt"] = 1e300;
  data["tokens"]["input"] = 1e300;
  acc.add_line(event(1, "r1", "session", data));
  auto r = acc.report();
  CHECK(r.sessions == 1);
  CHECK(r.tokens_input == 4000000000000000000ULL);
}

TEST_CASE("stats: garbage lines and envelopes without seq or kind are counted", "[stats]") {
  StatsAccumulator acc(RunScope::all, "");
  for (const char* l : {"garbage", "[1,2]", "{\"kind\":\"warning\"}", "{\"seq\":\"1\",\"kind\":\"x\"}",
                        "{\"seq\":1,\"kind\":\"x\"} trailing", "\xff\xfe", "   ", ""}) {
    acc.add_line(l);
  }
  acc.add_line(
      R"({"data":{"storyId":"A","attempts":1,"costUsd":0},"kind":"story_passed","runId":"r","seq":3,"ts":"t"})");
  auto r = acc.report();
  CHECK(r.lines == 7);
  CHECK(r.malformed_lines == 6);
  CHECK(r.events == 1);
  CHECK(r.stories_passed == 1);  // keys in sorted order (data before kind) are read too
}

TEST_CASE("stats: sessions over three times their role's median are outliers", "[stats]") {
  std::vector<std::string> lines;
  int seq = 1;
  for (double cost : {1.0, 1.0, 1.0, 1.0, 10.0}) {
    lines.push_back(event(seq, "r", "session", session("builder", "S" + std::to_string(seq), "m", cost, 100)));
    ++seq;
  }
  auto r = fold(lines, RunScope::run, "r");
  CHECK(r.outlier_count == 1);
  REQUIRE(r.outliers.size() == 1);
  CHECK(r.outliers[0].seq == 5);
  CHECK(r.outliers[0].metric == "cost");
  CHECK(r.outliers[0].value == 10.0);
  CHECK(r.outliers[0].median == 1.0);
}

TEST_CASE("stats: percentiles are nearest-rank and bounded past the exact window", "[stats]") {
  std::vector<std::string> lines;
  for (int i = 1; i <= 100; ++i) {
    lines.push_back(event(i, "r", "phase_finished", {{"phase", "build"}, {"durationMs", i}}));
  }
  auto small = fold(lines, RunScope::all, "");
  CHECK(small.phase_durations.at("build").p50 == 50);
  CHECK(small.phase_durations.at("build").p95 == 95);
  CHECK(small.phase_durations.at("build").max == 100);
  CHECK(small.phase_durations.at("build").exact);

  StatsAccumulator acc(RunScope::all, "");
  for (int i = 1; i <= 20000; ++i) {
    acc.add_line(event(i, "r", "phase_finished", {{"phase", "build"}, {"durationMs", i}}));
  }
  auto big = acc.report().phase_durations.at("build");
  CHECK_FALSE(big.exact);
  CHECK(big.count == 20000);
  CHECK(big.p50 == Approx(10000).epsilon(0.02));
  CHECK(big.p95 == Approx(19000).epsilon(0.02));
  CHECK(big.max == 20000);
}

TEST_CASE("stats: latest_run_id reads the last well-formed event of a tail", "[stats]") {
  std::string tail = "rtial line\n" + event(1, "r1", "warning", {{"message", "a"}}) + "\n" +
                     event(2, "r2", "warning", {{"message", "b"}}) + "\n{\"seq\":3,\"ru";
  CHECK(simmer::core::latest_run_id(tail) == std::optional<std::string>("r2"));
  CHECK_FALSE(simmer::core::latest_run_id("no json here\n"));
  CHECK_FALSE(simmer::core::latest_run_id(""));
}

TEST_CASE("stats: JSON report has ratios as null when nothing was measured", "[stats]") {
  auto j = simmer::core::stats_to_json(fold({}, RunScope::latest, ""));
  CHECK(j["runId"].is_null());
  CHECK(j["tokens"]["cacheHitRatio"].is_null());
  CHECK(j["gates"]["passRate"].is_null());
  CHECK(j["verdicts"]["rejectionRate"].is_null());
  CHECK(j["cost"]["perPassedStoryUsd"].is_null());
  CHECK(j["cost"]["perPassedStory"].is_null());
  auto full = simmer::core::stats_to_json(fold(sample_run("r1", 1), RunScope::run, "r1"));
  // One story passed: what it cost per role, in sessions and in tokens, the blocked story's share included.
  CHECK(full["cost"]["perPassedStory"] == nlohmann::json::parse(R"({"usd": 2.5, "byRole": {"builder": 1.75,
    "verifier": 0.75}, "sessions": 5.0, "tokens": {"input": 500.0, "output": 50.0, "cacheRead": 1500.0,
    "cacheWrite": 500.0}})"));
  CHECK(full["cost"]["totalUsd"] == 2.5);
  CHECK(full["tokens"]["cacheHitRatio"] == 0.6);
  CHECK(full["verdicts"]["rejectionRate"] == 0.5);
  CHECK(full["phaseDurations"]["fix"]["p95Ms"] == 3000.0);
}
