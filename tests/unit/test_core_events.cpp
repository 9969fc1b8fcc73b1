// core/events: the typed journal vocabulary. Every kind maps to JSON its schema accepts and back; the kinds are
// those of schemas/events/; bad data is refused with the seq and the pointer; recorded journals (tests/fixtures/
// journals/, see record.sh there) come back byte for byte and fold to their recorded state.json.
#include "core/events.hpp"

#include "core/machine.hpp"
#include "store/documents.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;
using namespace simmer::core;

namespace {

const fs::path k_source = SIMMER_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

json read_json(const fs::path& path) { return json::parse(read_text(path)); }

// One value of every kind, with every optional member present (the minimal forms are derived from these by
// removing members, below).
std::vector<EventData> full_samples() {
  Limits limits;
  limits.fix = 2;
  limits.budget_total = 1.5;
  limits.gates = {"test", "lint"};
  limits.workflow = "epic-checkpoint";
  limits.parallel = Parallel{.lanes = 3, .serial = {"Cargo.lock"}, .untouched = "beside", .integrate = "merge"};
  limits.lane = true;
  return {
      events::RunStarted{.version = "0.1.0",
                         .pid = 4242,
                         .resumed = true,
                         .phase = Phase::verify,
                         .story_id = "S-1",
                         .stories = std::vector<events::StorySnapshot>{{.id = "S-1",
                                                                        .title = "One",
                                                                        .priority = 2,
                                                                        .dependencies = {"S-0"},
                                                                        .epic = "E-1",
                                                                        .status = StoryState::blocked,
                                                                        .reason = "why",
                                                                        .touches = std::vector<std::string>{"src/**"}}},
                         .limits = limits,
                         .inputs = std::vector<events::InputHash>{{.file = "simmer.json", .sha256 = "ab12"},
                                                                  {.file = ".simmer/prompts/builder.md",
                                                                   .sha256 = std::nullopt}},
                         .head = events::Head{.branch = "refs/heads/feat", .sha = "0123abcd"},
                         .started_from = events::Head{.branch = "refs/heads/main", .sha = "4567"}},
      events::RunFinished{.result = RunResult::halted, .exit_code = 10},
      events::PhaseStarted{.phase = Phase::fix, .story_id = "S-1", .attempt = 2},
      events::PhaseFinished{
          .phase = Phase::gates, .story_id = "S-1", .attempt = 1, .duration_ms = 12, .outcome = "failed"},
      events::StorySelected{.story_id = "S-2", .by = PickedBy::harness, .warning = "the orchestrator failed"},
      events::FeedbackClaimed{.files = {{.path = ".simmer/feedback/claimed/000001-feedback.md",
                                         .bytes = 17,
                                         .preview = "Please use tabs."}}},
      events::SessionLaunched{.role = AgentRole::verifier,
                              .story_id = "S-1",
                              .attempt = 0,
                              .agent = "script",
                              .pid = 100,
                              .pgid = 100,
                              .start_time = 123456789,
                              .boot_id = "b00t",
                              .transcript = ".simmer/sessions/r1/3-verifier-0.jsonl"},
      events::Session{.role = AgentRole::builder,
                      .story_id = "S-1",
                      .attempt = 1,
                      .agent = "claude",
                      .model = "claude-x",
                      .session_id = "sess-1",
                      .tokens = {.input = 10, .output = 20, .cache_read = 30, .cache_write = 40},
                      .turns = 3,
                      .duration_ms = 1500,
                      .cost_usd = 0.25,
                      .cost_reported = true,
                      .outcome = SessionOutcome::usage_limit,
                      .error = "limit reached",
                      .transcript = ".simmer/sessions/r1/5-builder-1.jsonl",
                      .reset_at_ms = 1764000000000,
                      .recovered = true},
      events::AgentsStopped{.run_id = "r0", .pids = {12, 13}, .forced = true},
      events::RetryScheduled{.phase = Phase::build,
                             .reason = RetryReason::usage_limit,
                             .delay_ms = 3000,
                             .retry = 2,
                             .not_before_ms = 1764000003000},
      events::HandoffInvalid{.role = AgentRole::orchestrator,
                             .file = ".simmer/task.json",
                             .errors = {".simmer/task.json#/storyId: expected a string"},
                             .repair = 3,
                             .max_repairs = 2},
      events::HandoffAccepted{
          .role = AgentRole::builder, .file = ".simmer/build.json", .story_id = "S-1", .attempt = 0},
      events::Gate{.name = "pre-commit hook",
                   .story_id = "S-1",
                   .attempt = 0,
                   .exit_code = -1,
                   .passed = false,
                   .timed_out = true,
                   .duration_ms = 30000,
                   .output_tail = "killed\n",
                   .hook = true},
      events::Verdict{.story_id = "S-1",
                      .attempt = 1,
                      .verdict = VerdictKind::fail_retry,
                      .summary = "criterion 2 is not met",
                      .criteria = {{.criterion = "c1", .passed = true, .evidence = "read it"},
                                   {.criterion = "c2", .passed = false, .evidence = std::nullopt}}},
      events::Commit{
          .story_id = "S-1", .attempt = 1, .kind = CommitKind::fix, .sha = "abc123", .subject = "S-1: One (fix 1)"},
      events::StoryPassed{.story_id = "S-1", .attempts = 2, .cost_usd = 0.5},
      events::StoryBlocked{.story_id = "S-1", .reason = "gave up after 4 attempts"},
      events::TamperDetected{.file = ".simmer/prompts/verifier.md",
                             .restored = true,
                             .role = "builder",
                             .change = TamperChange::created,
                             .detail = "the new version is kept as .simmer/tampered/r1/7-verifier.md",
                             .saved_as = ".simmer/tampered/r1/7-verifier.md",
                             .stops_story = false},
      events::Halted{.reason = HaltReason::checkpoint, .detail = "epic E-1 is complete", .epic = "E-1"},
      events::Interrupted{.signal = "SIGINT"},
      events::Warning{.message = "state.json disagreed with the journal"},
      events::LaneStarted{
          .story_id = "S-1", .branch = "simmer/r1/S-1", .worktree = "/p/.git/simmer/lanes/S-1", .base = "ab12"},
      events::LaneFinished{.story_id = "S-1",
                           .result = RunResult::halted,
                           .head = "cd34",
                           .attempts = 2,
                           .cost_usd = 0.25,
                           .summary = "ok",
                           .reason = "story S-1 spent $1.0000 of its budget $1.0000",
                           .halt = HaltReason::budget_story},
      events::LaneTouched{.story_id = "S-1", .head = "cd34", .paths = {"src/a.cpp", "src/b.cpp"}},
      events::LaneBootstrapped{.story_id = "S-1",
                               .copied = {".env"},
                               .skipped = {"local.json: missing"},
                               .setup = "npm ci",
                               .exit_code = 1,
                               .passed = false,
                               .timed_out = false,
                               .duration_ms = 40,
                               .output_tail = "npm ERR!"},
      events::MergeRebased{.story_id = "S-1", .onto = "ab12", .head = "ef56", .commits = {"ef55", "ef56"}},
      events::MergeConflicted{.story_id = "S-1", .onto = "ab12", .files = {"a.txt"}, .hunks = "<<<<<<< a.txt"},
      events::MergeGate{.story_id = "S-1",
                        .name = "test",
                        .exit_code = 1,
                        .passed = false,
                        .timed_out = false,
                        .duration_ms = 12,
                        .output_tail = "1 failed"},
      events::Merged{.story_id = "S-1", .branch = "refs/heads/main", .pre_merge = "ab12", .sha = "ef56"},
      events::MergeFailed{.story_id = "S-1",
                          .key = 40,
                          .kind = FailureKind::merge,
                          .summary = "merge conflict",
                          .name = "",
                          .output = "<<<<<<< a.txt"},
      events::Steered{.action = SteerAction::retry,
                      .story_id = "S-2",
                      .by = "dashboard",
                      .request = ".simmer/control/claimed/000003-4242-77.json",
                      .refused = "story S-2 is pending, not blocked"},
      events::Landed{.branch = "refs/heads/feat",
                     .head = "ef56",
                     .onto = "refs/heads/main",
                     .mode = LandMode::squash,
                     .before = "ab12",
                     .after = "cd34",
                     .branch_kept = true},
  };
}

// The journal line of `data`, as util::Journal would write it at seq 7.
json line_of(const EventData& data, std::int64_t seq = 7) {
  return to_json(to_event(TypedEvent{seq, "2026-11-22T10:00:00.123Z", "r1", data}));
}

std::vector<std::string> schema_problems(const json& line) {
  std::vector<std::string> out;
  for (const auto& p : simmer::store::check_event(line, "line")) {
    out.push_back(p.to_line());
  }
  return out;
}

std::string refusal(std::string_view kind, const json& data, std::int64_t seq = 7) {
  try {
    data_from_json(kind, data, seq);
  } catch (const simmer::Error& e) {
    CHECK(e.code() == simmer::ExitCode::journal_corrupt);
    return e.what();
  }
  return "(accepted)";
}

json schema_of(std::string_view kind) {
  return read_json(k_source / "schemas" / "events" / (std::string(kind) + ".json"));
}

std::vector<fs::path> fixture_dirs() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(k_source / "tests" / "fixtures" / "journals")) {
    if (entry.is_directory()) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("events: every kind in schemas/events has a C++ type and every type a schema") {
  std::set<std::string> schemas;
  for (const auto& entry : fs::directory_iterator(k_source / "schemas" / "events")) {
    schemas.insert(entry.path().stem().string());
  }
  std::set<std::string> types(kind_names().begin(), kind_names().end());
  CHECK(types == schemas);
  CHECK(types.size() == kind_names().size());
  // The envelope's enum lists the same kinds, in EventData's order.
  std::vector<std::string> envelope = read_json(k_source / "schemas" / "event.json")["properties"]["kind"]["enum"];
  CHECK(envelope == std::vector<std::string>(kind_names().begin(), kind_names().end()));
  // The samples below cover every kind once.
  std::vector<std::string> sampled;
  for (const auto& sample : full_samples()) {
    sampled.emplace_back(kind_name(sample));
  }
  CHECK(sampled == std::vector<std::string>(kind_names().begin(), kind_names().end()));
}

TEST_CASE("events: a sample of every kind validates against its schema and parses back equal") {
  for (const auto& sample : full_samples()) {
    const std::string kind(kind_name(sample));
    INFO(kind);
    json line = line_of(sample);
    CHECK(line["kind"] == kind);
    CHECK(schema_problems(line).empty());
    auto event = event_from_json(line);
    REQUIRE(event.ok());
    TypedEvent typed = parse_event(*event);
    CHECK(typed.seq == 7);
    CHECK(typed.run_id == "r1");
    CHECK(typed.data == sample);
    CHECK(to_data(typed.data) == line["data"]);
  }
}

TEST_CASE("events: each member the schema leaves optional may be missing, each required one may not") {
  for (const auto& sample : full_samples()) {
    const std::string kind(kind_name(sample));
    const json schema = schema_of(kind);
    const json data = to_data(sample);
    const std::vector<std::string> listed = schema.value("required", std::vector<std::string>{});
    const std::set<std::string> required(listed.begin(), listed.end());
    for (const auto& [key, value] : data.items()) {
      INFO(kind << " without " << key);
      json without = data;
      without.erase(key);
      json line = line_of(sample);
      line["data"] = without;
      if (required.count(key) != 0) {
        CHECK(!schema_problems(line).empty());
        CHECK(refusal(kind, without) == "invalid journal event (.simmer/events.jsonl#/data): expected property \"" +
                                            key + "\", found nothing (seq 7, kind " + kind + ")");
      } else {
        CHECK(schema_problems(line).empty());
        EventData parsed = data_from_json(kind, without, 7);
        CHECK(to_data(parsed) == without);
      }
    }
    // Every required member is one the type writes.
    for (const auto& key : required) {
      INFO(kind << " writes " << key);
      CHECK(data.contains(key));
    }
  }
}

TEST_CASE("events: a member of the wrong type is refused with its pointer, the seq and the kind") {
  for (const auto& sample : full_samples()) {
    const std::string kind(kind_name(sample));
    const json data = to_data(sample);
    for (const auto& [key, value] : data.items()) {
      INFO(kind << "/" << key);
      // Nothing in the vocabulary is an array of arrays: each member refuses this, at its own pointer or its
      // first item's.
      json bad = data;
      bad[key] = json::array({json::array()});
      std::string message = refusal(kind, bad, 41);
      std::string at = "invalid journal event (.simmer/events.jsonl#/data/" + key;
      CHECK(message.rfind(at, 0) == 0);
      CHECK(message.find("(seq 41, kind " + kind + ")") != std::string::npos);
    }
  }
}

TEST_CASE("events: refusals say what was expected and what was found") {
  json gate = to_data(full_samples()[12]);
  REQUIRE(gate["name"] == "pre-commit hook");
  gate["attempt"] = "one";
  CHECK(refusal("gate", gate, 12) ==
        "invalid journal event (.simmer/events.jsonl#/data/attempt): expected an integer, "
        "found \"one\" (seq 12, kind gate)");
  gate["attempt"] = 1.0;
  CHECK(refusal("gate", gate, 12) ==
        "invalid journal event (.simmer/events.jsonl#/data/attempt): expected an integer, "
        "found a number (1.0) (seq 12, kind gate)");
  gate["attempt"] = 18446744073709551615ULL;
  CHECK(refusal("gate", gate, 12) ==
        "invalid journal event (.simmer/events.jsonl#/data/attempt): expected an integer from -9223372036854775808 to "
        "9223372036854775807, found a number (18446744073709551615) (seq 12, kind gate)");
  json commit = to_data(full_samples()[14]);
  commit["kind"] = "merge";
  CHECK(refusal("commit", commit, 3) ==
        "invalid journal event (.simmer/events.jsonl#/data/kind): expected one of "
        "\"build\", \"fix\", \"record\", found \"merge\" (seq 3, kind commit)");
  commit["sha"] = 5;
  commit["kind"] = "fix";
  CHECK(refusal("commit", commit, 3) ==
        "invalid journal event (.simmer/events.jsonl#/data/sha): expected a string, "
        "found a number (5) (seq 3, kind commit)");
  json run = to_data(full_samples()[0]);
  run["stories"][0].erase("id");
  CHECK(refusal("run_started", run, 1) ==
        "invalid journal event (.simmer/events.jsonl#/data/stories/0): expected "
        "property \"id\", found nothing (seq 1, kind run_started)");
  run = to_data(full_samples()[0]);
  run["limits"]["harnessOrchestrator"] = "yes";
  CHECK(refusal("run_started", run, 1) ==
        "invalid journal event (.simmer/events.jsonl#/data/limits/"
        "harnessOrchestrator): expected a boolean, found \"yes\" (seq 1, kind "
        "run_started)");
  CHECK(refusal("bogus", json::object(), 9) ==
        "invalid journal event (.simmer/events.jsonl#/kind): unknown kind \"bogus\" (seq 9, kind bogus)");
  CHECK(refusal("warning", json::array(), 9) ==
        "invalid journal event (.simmer/events.jsonl#/data): expected an object, found an empty array (seq 9, kind "
        "warning)");
}

TEST_CASE("events: every value of every enum the schemas list is read, and written back the same") {
  for (const auto& sample : full_samples()) {
    const std::string kind(kind_name(sample));
    const json schema = schema_of(kind);
    const json data = to_data(sample);
    for (const auto& [key, property] : schema["properties"].items()) {
      const json values = property.contains("enum")    ? property["enum"]
                          : property.contains("const") ? json::array({property["const"]})
                                                       : json();
      if (values.is_null()) {
        continue;
      }
      for (const auto& value : values) {
        INFO(kind << "/" << key << " = " << value);
        json with = data;
        with[key] = value;
        CHECK(to_data(data_from_json(kind, with, 7)) == with);
      }
      json with = data;
      with[key] = "not-a-value";
      INFO(kind << "/" << key << " = not-a-value");
      CHECK(refusal(kind, with).find("#/data/" + key + "): expected one of ") != std::string::npos);
    }
  }
}

TEST_CASE("events: members the kind does not declare are accepted and not kept") {
  json data = to_data(events::Warning{.message = "hi"});
  data["addedLater"] = {{"deep", 1}};
  EventData parsed = data_from_json("warning", data, 3);
  CHECK(parsed == EventData(events::Warning{.message = "hi"}));
  CHECK(to_data(parsed) == json{{"message", "hi"}});
}

TEST_CASE("events: null and missing stay apart") {
  // commit's sha and phase_started's storyId are always written, null when empty; a session's resetAtMs only
  // when it is known.
  json commit = to_data(events::Commit{
      .story_id = std::nullopt, .attempt = 0, .kind = CommitKind::record, .sha = std::nullopt, .subject = "s"});
  CHECK(commit.dump() == R"({"attempt":0,"kind":"record","sha":null,"storyId":null,"subject":"s"})");
  json session = to_data(events::Session{});
  CHECK(!session.contains("resetAtMs"));
  CHECK(!session.contains("recovered"));
  session["resetAtMs"] = nullptr;
  CHECK(refusal("session", session) ==
        "invalid journal event (.simmer/events.jsonl#/data/resetAtMs): expected an "
        "integer, found null (seq 7, kind session)");
  json selected = to_data(events::StorySelected{.story_id = "S-1", .by = PickedBy::orchestrator});
  CHECK(selected.dump() == R"({"by":"orchestrator","storyId":"S-1"})");
  json stopped = to_data(events::TamperDetected{.file = "f", .restored = true, .stops_story = false});
  CHECK(stopped.dump() == R"({"file":"f","restored":true,"stopsStory":false})");
}

TEST_CASE("events: limits are written once, for run_started and state.json alike") {
  Limits limits;
  limits.gates = {"test"};
  json written = limits_to_json(limits);
  CHECK(written.dump() == R"({"budgetPerStory":0.0,"budgetTotal":0.0,"contract":2,"fix":3,"gates":["test"],)"
                          R"("harnessOrchestrator":false,"maxIterations":0,"transient":5,"workflow":"one-shot"})");
  State state;
  state.limits = limits;
  CHECK(to_json(state)["limits"] == written);
  // A journal older than some limit reads it as its default.
  json run = to_data(events::RunStarted{.version = "0.1.0", .limits = limits});
  run["limits"] = {{"fix", 1}};
  auto parsed = std::get<events::RunStarted>(data_from_json("run_started", run, 1));
  REQUIRE(parsed.limits);
  CHECK(parsed.limits->fix == 1);
  CHECK(parsed.limits->contract == 2);
  CHECK(parsed.limits->workflow == "one-shot");
}

TEST_CASE("events: the recorded journals come back byte for byte") {
  std::size_t checked = 0;
  for (const auto& dir : fixture_dirs()) {
    INFO(dir.filename().string());
    const auto lines = lines_of(read_text(dir / "events.jsonl"));
    REQUIRE(!lines.empty());
    for (const auto& text : lines) {
      INFO(text);
      auto event = event_from_json(json::parse(text));
      REQUIRE(event.ok());
      Event back = to_event(parse_event(*event));
      CHECK(to_json(back).dump(-1, ' ', false, json::error_handler_t::replace) == text);
      ++checked;
    }
  }
  CHECK(checked > 300);
}

TEST_CASE("events: each recorded journal folds to its recorded state.json, and to the states between its runs") {
  std::size_t folded = 0;
  std::size_t between = 0;
  for (const auto& dir : fixture_dirs()) {
    INFO(dir.filename().string());
    // states/<seq>.json: what an earlier cook of the fixture left (a halt, an interrupt, a kill) at that seq.
    std::map<std::int64_t, std::string> states;
    if (fs::exists(dir / "states")) {
      for (const auto& entry : fs::directory_iterator(dir / "states")) {
        states[std::stoll(entry.path().stem().string())] = read_text(entry.path());
      }
    }
    State state;
    for (const auto& text : lines_of(read_text(dir / "events.jsonl"))) {
      auto event = event_from_json(json::parse(text));
      REQUIRE(event.ok());
      state = apply(std::move(state), *event);
      if (auto it = states.find(state.seq); it != states.end()) {
        INFO("seq " << state.seq);
        CHECK(canonical_text(state) == it->second);
        ++between;
      }
    }
    CHECK(canonical_text(state) == read_text(dir / "state.json"));
    ++folded;
  }
  CHECK(folded >= 8);
  CHECK(between >= 9);
}

TEST_CASE("events: the recorded journals hold every kind and the optional members") {
  std::set<std::string> kinds;
  std::set<std::string> seen;  // "<kind>/<member>" and "<kind>/<member>=null"
  for (const auto& dir : fixture_dirs()) {
    for (const auto& text : lines_of(read_text(dir / "events.jsonl"))) {
      json line = json::parse(text);
      const std::string kind = line["kind"];
      kinds.insert(kind);
      for (const auto& [key, value] : line["data"].items()) {
        seen.insert(kind + "/" + key + (value.is_null() ? "=null" : ""));
        if (value.is_boolean() ||
            (value.is_string() && (key == "outcome" || key == "reason" || key == "result" || key == "verdict" ||
                                   key == "change" || key == "by" || key == "kind" || key == "phase"))) {
          seen.insert(kind + "/" + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
        }
      }
    }
  }
  // The lane kinds come from a coordinator and its lanes (docs/lanes.md), and `landed` from `simmer land`, which the
  // recorded journals here do not cover; full_samples() does.
  std::set<std::string> recordable(kind_names().begin(), kind_names().end());
  for (const char* lane_kind : {"lane_started", "lane_finished", "lane_touched", "lane_bootstrapped", "merge_rebased",
                                "merge_conflicted", "merge_gate", "merged", "merge_failed", "landed"}) {
    CHECK(recordable.erase(lane_kind) == 1);
  }
  CHECK(kinds == recordable);
  for (const char* wanted : {
           "run_started/resumed=true",
           "run_started/resumed=false",
           "run_started/storyId=null",
           "run_started/storyId",
           "run_started/phase=verify",
           "run_finished/result=passed",
           "run_finished/result=halted",
           "run_finished/result=blocked",
           "run_finished/result=interrupted",
           "phase_started/phase=done",
           "phase_started/phase=gates",
           "phase_started/phase=fix",
           "phase_started/phase=orchestrate",
           "phase_finished/outcome=failed",
           "phase_finished/outcome=timeout",
           "story_selected/warning",
           "story_selected/by=orchestrator",
           "story_selected/by=harness",
           "session/resetAtMs",
           "session/recovered=true",
           "session/storyId=null",
           "session/outcome=transient",
           "session/outcome=usage_limit",
           "session/outcome=timeout",
           "session/outcome=fatal",
           "session/outcome=interrupted",
           "session/outcome=cannot_start",
           "session/costReported=true",
           "agents_stopped/forced=true",
           "retry_scheduled/reason=transient",
           "retry_scheduled/reason=usage_limit",
           "gate/hook=true",
           "gate/passed=false",
           "verdict/verdict=pass",
           "verdict/verdict=fail_retry",
           "verdict/verdict=fail_abort",
           "commit/sha=null",
           "commit/kind=build",
           "commit/kind=fix",
           "commit/kind=record",
           "tamper_detected/savedAs",
           "tamper_detected/stopsStory=true",
           "tamper_detected/change=created",
           "tamper_detected/change=moved",
           "tamper_detected/change=removed",
           "tamper_detected/change=changed",
           "tamper_detected/detail",
           "tamper_detected/role",
           "halted/epic",
           "halted/reason=checkpoint",
           "halted/reason=budget_story",
           "halted/reason=budget_total",
           "halted/reason=max_iterations",
       }) {
    INFO(wanted);
    CHECK(seen.count(wanted) == 1);
  }
}
