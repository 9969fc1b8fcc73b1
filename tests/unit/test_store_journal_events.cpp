// store/journal_events: the fold's reader checks every line against its schemas and the strict JSON rules before
// the machine sees it, and names the line, the pointer (or column), the seq and the kind of a line it refuses.
#include "store/journal_events.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct JournalProject {
  fs::path root;
  JournalProject() {
    char tmpl[] = "/tmp/simmer-journal-events-XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root / ".simmer");
  }
  ~JournalProject() { fs::remove_all(root); }
  simmer::store::ProjectPaths paths() const { return simmer::store::ProjectPaths::at(root); }
  void journal(const std::string& text) const { std::ofstream(root / ".simmer" / "events.jsonl") << text; }
};

const std::string k_run_started =
    R"({"data":{"limits":{"fix":3,"gates":[],"workflow":"one-shot"},"phase":"orchestrate","pid":1,"resumed":false,)"
    R"("stories":[{"id":"S-1","title":"One"}],"storyId":null,"version":"0.1.0"},"kind":"run_started",)"
    R"("runId":"r1","seq":1,"ts":"2026-12-01T10:00:00.000Z"})";

std::string refusal(const JournalProject& p) {
  try {
    simmer::store::read_checked_events(p.paths());
  } catch (const simmer::Error& e) {
    CHECK(e.code() == simmer::ExitCode::journal_corrupt);
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("journal_events: good lines become events in order") {
  JournalProject p;
  p.journal(k_run_started + "\n" +
            R"({"data":{"message":"hi"},"kind":"warning","runId":"r1","seq":2,"ts":"2026-12-01T10:00:01.000Z"})" +
            "\n");
  auto events = simmer::store::read_checked_events(p.paths());
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == "run_started");
  CHECK(events[1].data.at("message") == "hi");
  p.journal("");
  CHECK(simmer::store::read_checked_events(p.paths()).empty());
}

// Issue #10 item 13: this line escaped the fold as `[json.exception.out_of_range.403] key 'id' not found`.
TEST_CASE("journal_events: a line that fails its data schema names the line, pointer, seq and kind") {
  JournalProject p;
  std::string line = k_run_started;
  line.replace(line.find(R"("id":"S-1",)"), 11, "");
  p.journal(line + "\n");
  CHECK(refusal(p) ==
        "invalid journal event (.simmer/events.jsonl:1#/data/stories/0): expected property \"id\", "
        "found nothing (seq 1, kind run_started); nothing was changed");
  // A limit the fold reads as a boolean, written as a string.
  line = k_run_started;
  line.replace(line.find(R"("fix":3)"), 7, R"("fix":3,"harnessOrchestrator":"yes")");
  p.journal(line + "\n");
  CHECK(refusal(p) ==
        "invalid journal event (.simmer/events.jsonl:1#/data/limits/harnessOrchestrator): expected a "
        "boolean, found \"yes\" (seq 1, kind run_started); nothing was changed");
}

TEST_CASE("journal_events: the strict JSON rules apply to journal lines too") {
  JournalProject p;
  const std::string tail = R"(,"runId":"r1","seq":2,"ts":"2026-12-01T10:00:01.000Z"})";
  // nlohmann keeps the last of two equal keys: the line would fold as a halt.
  p.journal(k_run_started + "\n" + R"({"data":{"message":"a"},"kind":"warning","kind":"halted")" + tail + "\n");
  CHECK(refusal(p) ==
        "invalid journal event (.simmer/events.jsonl:2:42): duplicate key \"kind\" (seq 2, kind "
        "halted); nothing was changed");
  // Kept in the state or the dashboard's view, a value this deep would overflow every recursive dump after it.
  const std::string deep = std::string(600, '[') + std::string(600, ']');
  p.journal(k_run_started + "\n" + R"({"data":{"message":"a","x":)" + deep + R"(},"kind":"warning")" + tail + "\n");
  CHECK(refusal(p) ==
        "invalid journal event (.simmer/events.jsonl:2:538): nesting deeper than 512 levels (seq 2, "
        "kind warning); nothing was changed");
  // A number beyond double's range is not JSON to the journal's own reader: damage before the last line.
  p.journal(k_run_started + "\n" + R"({"data":{"message":"a","x":1e400},"kind":"warning")" + tail + "\n" +
            R"({"data":{"message":"b"},"kind":"warning","runId":"r1","seq":3,"ts":"2026-12-01T10:00:02.000Z"})" + "\n");
  CHECK(refusal(p) ==
        "the journal is damaged before its last line (.simmer/events.jsonl:2): not valid JSON; nothing "
        "was changed");
}
