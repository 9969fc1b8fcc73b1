// Feedback claims: atomic rename into claimed/ with a number, fresh notes wait, crash leftovers are picked up.
#include <catch2/catch.hpp>

#include "run/feedback.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct TempProject {
  fs::path root;
  TempProject() {
    char tmpl[] = "/tmp/simmer-feedback-XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root / ".simmer" / "inbox");
  }
  ~TempProject() { fs::remove_all(root); }
  void write(const fs::path& rel, const std::string& text, int age_s) {
    std::ofstream(root / rel) << text;
    fs::last_write_time(root / rel, fs::file_time_type::clock::now() - std::chrono::seconds(age_s));
  }
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("feedback: notes are claimed once, numbered, feedback.md first then the inbox by name") {
  TempProject p;
  auto paths = simmer::store::ProjectPaths::at(p.root);
  p.write(".simmer/feedback.md", "Use tabs.\nPlease.", 5);
  p.write(".simmer/inbox/b.md", "second", 5);
  p.write(".simmer/inbox/a.md", "first", 5);
  p.write(".simmer/inbox/ignored.txt", "not markdown", 5);
  auto notes = simmer::run::claim_feedback(paths, 0, now_ms());
  REQUIRE(notes.size() == 3);
  CHECK(notes[0].path == ".simmer/feedback/claimed/000001-feedback.md");
  CHECK(notes[0].preview == "Use tabs. Please.");
  CHECK(notes[0].bytes == 17);
  CHECK(notes[1].path == ".simmer/feedback/claimed/000002-inbox-a.md");
  CHECK(notes[2].path == ".simmer/feedback/claimed/000003-inbox-b.md");
  CHECK_FALSE(fs::exists(paths.feedback));
  CHECK(fs::exists(paths.inbox / "ignored.txt"));
  // Journaled (count 3): nothing more to claim, nothing read twice.
  CHECK(simmer::run::claim_feedback(paths, 3, now_ms()).empty());
}

TEST_CASE("feedback: a note changed within the last second waits") {
  TempProject p;
  auto paths = simmer::store::ProjectPaths::at(p.root);
  p.write(".simmer/feedback.md", "still typing", 0);
  CHECK(simmer::run::claim_feedback(paths, 0, now_ms()).empty());
  CHECK(fs::exists(paths.feedback));
  auto later = simmer::run::claim_feedback(paths, 0, now_ms() + 2000);
  REQUIRE(later.size() == 1);
  CHECK(later[0].path == ".simmer/feedback/claimed/000001-feedback.md");
}

TEST_CASE("feedback: a claim a crash left unjournaled is returned again, and new notes number after it") {
  TempProject p;
  auto paths = simmer::store::ProjectPaths::at(p.root);
  p.write(".simmer/feedback.md", "one", 5);
  REQUIRE(simmer::run::claim_feedback(paths, 0, now_ms()).size() == 1);
  p.write(".simmer/feedback.md", "two", 5);
  // The count is still 0: the first claim never reached the journal.
  auto notes = simmer::run::claim_feedback(paths, 0, now_ms());
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].preview == "one");
  CHECK(notes[1].path == ".simmer/feedback/claimed/000002-feedback.md");
  CHECK(notes[1].preview == "two");
}

// A 50 MB note went whole into the builder's prompt (612 MB RSS): a note's head goes in, the prompt says where
// the rest is, and only the head is ever read.
TEST_CASE("feedback: a note longer than the prompt's limit is cut, and the prompt names the file") {
  TempProject p;
  auto paths = simmer::store::ProjectPaths::at(p.root);
  const std::size_t limit = simmer::run::k_max_note_prompt_bytes;
  // A two-byte character across the limit: the cut must not split it.
  std::string big = std::string(limit - 1, 'a') + "\xc3\xa9" + std::string(1'000'000, 'b');
  p.write(".simmer/feedback.md", big, 5);
  p.write(".simmer/inbox/small.md", "Use tabs.", 5);
  auto notes = simmer::run::claim_feedback(paths, 0, now_ms());
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].bytes == static_cast<std::int64_t>(big.size()));
  CHECK(notes[0].preview.size() <= 3 * 120);
  const std::string text = simmer::run::feedback_prompt_text(paths, notes);
  const std::string head = "From .simmer/feedback/claimed/000001-feedback.md (its first 65535 of 1065537 bytes):\n";
  CHECK(text.rfind(head, 0) == 0);
  CHECK(text == head + std::string(limit - 1, 'a') +
                    "\n[simmer: the note goes on for 1000002 more bytes; the whole note is in "
                    ".simmer/feedback/claimed/000001-feedback.md]\n"
                    "From .simmer/feedback/claimed/000002-inbox-small.md:\nUse tabs.\n");
  // A note of exactly the limit is whole.
  std::string exact(limit, 'c');
  p.write(".simmer/feedback.md", exact, 5);
  auto more = simmer::run::claim_feedback(paths, 2, now_ms());
  REQUIRE(more.size() == 1);
  CHECK(simmer::run::feedback_prompt_text(paths, more) ==
        "From .simmer/feedback/claimed/000003-feedback.md:\n" + exact + "\n");
  // A claimed file removed since gives its preview; no notes at all give "(none)".
  std::filesystem::remove(p.root / ".simmer/feedback/claimed/000003-feedback.md");
  CHECK(simmer::run::feedback_prompt_text(paths, more) ==
        "From .simmer/feedback/claimed/000003-feedback.md:\n" + more[0].preview + "\n");
  CHECK(simmer::run::feedback_prompt_text(paths, {}) == "(none)");
}
