#include "core/contracts.hpp"
#include "core/jsonc.hpp"
#include "store/documents.hpp"
#include "test_fixture_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using namespace simmer;

using simmer::test::good_fixture;
using simmer::test::read_existing;

namespace {

template <class T>
std::string round_trip(const std::string& text) {
  const auto parsed = core::parse_json(text);
  REQUIRE(parsed.ok);
  const T typed = parsed.value.get<T>();
  return core::canonical_json(nlohmann::json(typed));
}

std::vector<std::string> lines(const std::vector<core::Problem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) {
    out.push_back(p.to_line());
  }
  return out;
}

}  // namespace

TEST_CASE("contracts: good fixtures round-trip to canonical JSON byte for byte", "[contracts]") {
  CHECK(round_trip<core::Prd>(read_existing(good_fixture("prd.json"))) == read_existing(good_fixture("prd.json")));
  CHECK(round_trip<core::Task>(read_existing(good_fixture("task.json"))) == read_existing(good_fixture("task.json")));
  CHECK(round_trip<core::Build>(read_existing(good_fixture("build.json"))) ==
        read_existing(good_fixture("build.json")));
  CHECK(round_trip<core::Verdict>(read_existing(good_fixture("verdict.json"))) ==
        read_existing(good_fixture("verdict.json")));
  CHECK(round_trip<core::Progress>(read_existing(good_fixture("progress.json"))) ==
        read_existing(good_fixture("progress.json")));
}

TEST_CASE("contracts: good fixtures load through their typed loaders", "[contracts]") {
  auto prd = store::load_prd(good_fixture("prd.json"), "prd.json");
  REQUIRE(std::holds_alternative<core::Prd>(prd));
  const auto& value = std::get<core::Prd>(prd);
  REQUIRE(value.stories.size() == 3);
  CHECK(value.find("S2")->status == core::StoryStatus::blocked);
  CHECK(value.find("S2")->blocked_reason.value() == "the verifier aborted: numbering spec is ambiguous");
  CHECK(value.find("nope") == nullptr);
  auto verdict = store::load_verdict(good_fixture("verdict.json"));
  REQUIRE(std::holds_alternative<core::Verdict>(verdict));
  CHECK(std::get<core::Verdict>(verdict).verdict == core::VerdictKind::fail_retry);
  CHECK(std::holds_alternative<core::Task>(store::load_task(good_fixture("task.json"))));
  CHECK(std::holds_alternative<core::Build>(store::load_build(good_fixture("build.json"))));
  CHECK(std::holds_alternative<core::Progress>(store::load_progress(good_fixture("progress.json"))));
}

TEST_CASE("contracts: optional fields stay absent when they were absent", "[contracts]") {
  core::Task task;
  task.story_id = "S1";
  const auto j = nlohmann::json(task);
  CHECK_FALSE(j.contains("halt"));
  core::Story story;
  story.id = "S1";
  story.acceptance_criteria = {"x"};
  CHECK_FALSE(nlohmann::json(story).contains("blockedReason"));
  story.status = core::StoryStatus::blocked;
  story.blocked_reason = "why";
  CHECK(nlohmann::json(story)["blockedReason"] == "why");
}

TEST_CASE("contracts: from_json refuses a document that skipped its schema", "[contracts]") {
  const auto parsed = core::parse_json(R"({"schemaVersion": 1, "storyId": 3})");
  REQUIRE(parsed.ok);
  try {
    (void)parsed.value.get<core::Task>();
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "invalid contract field \"storyId\": expected a string");
    CHECK(e.code() == ExitCode::invalid_input);
  }
}

TEST_CASE("contracts: schema problems read as expected/found with pointers", "[contracts]") {
  const std::string text = R"({"schemaVersion": 1, "storyId": "S1", "attempt": -1, "verdict": "maybe",
    "summary": "", "criteria": [{"criterion": "c", "passed": "yes", "evidence": "", "note": 1}]})";
  const auto problems = store::check_text(text, store::DocKind::verdict, "verdict.json");
  CHECK(lines(problems) == std::vector<std::string>{
                               "verdict.json#/attempt: expected a number >= 0, found a number (-1)",
                               "verdict.json#/criteria/0/note: unknown key \"note\": expected one of \"criterion\", "
                               "\"evidence\", \"passed\"",
                               "verdict.json#/criteria/0/passed: expected a boolean, found \"yes\"",
                               "verdict.json#/summary: expected a string of at least 1 character, found a string of 0 "
                               "characters (\"\")",
                               "verdict.json#/verdict: expected one of \"pass\", \"fail_retry\", \"fail_abort\", "
                               "found \"maybe\"",
                           });
}

TEST_CASE("contracts: a failing verdict needs a summary", "[contracts]") {
  const std::string text = R"({"schemaVersion": 1, "storyId": "S1", "attempt": 0, "verdict": "fail_retry",
    "summary": "", "criteria": []})";
  const auto problems = store::check_text(text, store::DocKind::verdict, "verdict.json");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer == "/summary");
  const std::string pass = R"({"schemaVersion": 1, "storyId": "S1", "attempt": 0, "verdict": "pass",
    "summary": "", "criteria": []})";
  CHECK(store::check_text(pass, store::DocKind::verdict, "verdict.json").empty());
}

TEST_CASE("contracts: PRD duplicate ids, unknown dependencies and cycles", "[contracts]") {
  auto story = [](const std::string& id, const std::string& deps) {
    return R"({"id": ")" + id + R"(", "title": "t", "description": "", "acceptanceCriteria": ["a"], "priority": 0,
      "dependencies": )" +
           deps + R"(, "epic": "", "notes": "", "status": "pending"})";
  };
  const std::string text = R"({"schemaVersion": 1, "project": "p", "description": "", "stories": [)" +
                           story("A", R"(["C"])") + "," + story("B", R"(["A", "X"])") + "," + story("C", R"(["B"])") +
                           "," + story("A", "[]") + "," + story("D", R"(["D"])") + "]}";
  const auto problems = store::check_text(text, store::DocKind::prd, "prd.json");
  CHECK(lines(problems) ==
        std::vector<std::string>{
            "prd.json#/stories/3/id: duplicate story id: expected an id no other story has, found \"A\" (also at "
            "/stories/0/id)",
            "prd.json#/stories/1/dependencies/1: unknown dependency: expected the id of a story in this PRD, found "
            "\"X\"",
            "prd.json#/stories/1/dependencies/0: dependency cycle: expected no cycle, found A -> C -> B -> A",
            "prd.json#/stories/4/dependencies/0: dependency cycle: expected no cycle, found D -> D",
        });
}

namespace {

std::string prd_with_touches(const std::string& touches_a, const std::string& touches_b) {
  auto story = [](const std::string& id, const std::string& touches) {
    std::string text = R"({"id": ")" + id + R"(", "title": "t", "description": "", "acceptanceCriteria": ["a"],
      "priority": 0, "dependencies": [], "epic": "", "notes": "", "status": "pending")";
    if (!touches.empty()) {
      text += R"(, "touches": )" + touches;
    }
    return text + "}";
  };
  return R"({"schemaVersion": 1, "project": "p", "description": "", "stories": [)" + story("A", touches_a) + "," +
         story("B", touches_b) + "]}";
}

}  // namespace

TEST_CASE("contracts: a story's touches round-trip, and stay absent when absent", "[contracts]") {
  const std::string text = prd_with_touches(R"(["src/api/**", "docs/api.md"])", "");
  CHECK(store::check_text(text, store::DocKind::prd, "prd.json").empty());
  const auto parsed = core::parse_json(text);
  REQUIRE(parsed.ok);
  const auto prd = parsed.value.get<core::Prd>();
  CHECK(prd.stories[0].touches == std::vector<std::string>{"src/api/**", "docs/api.md"});
  CHECK_FALSE(prd.stories[1].touches.has_value());
  const std::string canonical = core::canonical_json(parsed.value);
  CHECK(round_trip<core::Prd>(canonical) == canonical);
  const nlohmann::json written = nlohmann::json(prd);
  CHECK(written["stories"][0]["touches"] == nlohmann::json{"src/api/**", "docs/api.md"});
  CHECK_FALSE(written["stories"][1].contains("touches"));
}

TEST_CASE("contracts: an invalid touches glob is refused at its pointer", "[contracts]") {
  const std::string text = prd_with_touches(R"(["src/ok/**", "/etc/**", "a//b", "src/**x"])",
                                            R"(["../up", "win\\path", ""])");
  CHECK(lines(store::check_text(text, store::DocKind::prd, "prd.json")) ==
        std::vector<std::string>{
            "prd.json#/stories/0/touches/1: invalid touches glob: \"/etc/**\" starts with \"/\" (paths are relative "
            "to the repository root)",
            "prd.json#/stories/0/touches/2: invalid touches glob: \"a//b\" has an empty segment",
            "prd.json#/stories/0/touches/3: invalid touches glob: \"src/**x\" has \"**\" inside the segment "
            "\"**x\" (\"**\" must be a whole segment)",
            "prd.json#/stories/1/touches/0: invalid touches glob: \"../up\" has a \"..\" segment (a glob cannot "
            "leave the repository)",
            "prd.json#/stories/1/touches/1: invalid touches glob: \"win\\path\" holds a backslash (segments are "
            "separated by \"/\", and nothing is escaped)",
            "prd.json#/stories/1/touches/2: invalid touches glob: \"\" is empty",
        });
  // The schema's part: a list of strings, at least one.
  CHECK(lines(store::check_text(prd_with_touches("[]", R"(["a", 3])"), store::DocKind::prd, "prd.json")) ==
        std::vector<std::string>{
            "prd.json#/stories/0/touches: expected an array of at least 1 item, found an empty array",
            "prd.json#/stories/1/touches/1: expected a string, found a number (3)",
        });
  // What a loader says, the first problem as an error.
  const auto problems = store::check_text(prd_with_touches(R"(["/x"])", ""), store::DocKind::prd, ".simmer/prd.json");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].to_error() ==
        "invalid touches glob (.simmer/prd.json#/stories/0/touches/0): \"/x\" starts with \"/\" (paths are relative "
        "to the repository root)");
}

TEST_CASE("contracts: a long dependency chain is checked without recursion", "[contracts]") {
  nlohmann::json doc{{"schemaVersion", 1}, {"project", "p"}, {"description", ""}, {"stories", nlohmann::json::array()}};
  for (int i = 0; i < 20000; ++i) {
    doc["stories"].push_back(
        {{"id", "S" + std::to_string(i)},
         {"dependencies", i == 0 ? nlohmann::json::array() : nlohmann::json{"S" + std::to_string(i - 1)}}});
  }
  CHECK(core::check_prd(doc, "prd.json").empty());
  doc["stories"][0]["dependencies"] = {"S19999"};
  const auto problems = core::check_prd(doc, "prd.json");
  REQUIRE(problems.size() == 1);
  // S0 -> S19999 -> ... -> S1 -> S0: the edge found closing it is S1's.
  CHECK(problems[0].to_line() ==
        "prd.json#/stories/1/dependencies/0: dependency cycle: expected no cycle, found S0 "
        "-> S19999 -> S19998 -> S19997 -> ... (19993 more) -> S3 -> S2 -> S1 -> S0");
}

TEST_CASE("contracts: problems render as lines and as errors", "[contracts]") {
  core::Problem p;
  p.file = "prd.json";
  p.pointer = "/stories/0/priority";
  p.message = "expected an integer, found a string (\"high\")";
  CHECK(p.to_line() == "prd.json#/stories/0/priority: expected an integer, found a string (\"high\")");
  CHECK(p.to_error() == "invalid value (prd.json#/stories/0/priority): expected an integer, found a string (\"high\")");
  p.line = 3;
  p.column = 7;
  p.message = "unterminated string";
  CHECK(p.to_line() == "prd.json:3:7: unterminated string");
  CHECK(p.to_error() == "invalid JSON (prd.json:3:7): unterminated string");
}

TEST_CASE("documents: kind from the file name only", "[contracts]") {
  CHECK(store::kind_from_name("a/b/simmer.json") == store::DocKind::config);
  CHECK(store::kind_from_name(".simmer/prd.json") == store::DocKind::prd);
  CHECK(store::kind_from_name("events.jsonl") == store::DocKind::events);
  CHECK(store::kind_from_name("verdict.json") == store::DocKind::verdict);
  CHECK_FALSE(store::kind_from_name("prd.jsonc").has_value());
  CHECK_FALSE(store::kind_from_name("events.json").has_value());
}

TEST_CASE("documents: an unreadable file is one problem naming the reason", "[contracts]") {
  const auto problems = store::check_file("/nonexistent/prd.json", store::DocKind::prd, "prd.json");
  CHECK(lines(problems) == std::vector<std::string>{"prd.json: cannot read: No such file or directory"});
  auto loaded = store::load_task("/nonexistent/task.json", "task.json");
  REQUIRE(std::holds_alternative<std::vector<core::Problem>>(loaded));
  CHECK(store::to_failure(std::get<1>(loaded)).message ==
        "cannot use file (task.json): cannot read: No such file or directory");
}
