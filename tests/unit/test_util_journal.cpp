#include <catch2/catch.hpp>

#include <cstdlib>

#include "test_util_support.hpp"
#include "util/error.hpp"
#include "util/journal.hpp"
#include "util/sha256.hpp"

using nlohmann::json;
using simmer::ExitCode;
using simmer::test::slurp;
using simmer::test::spit;
using simmer::test::TempDir;
using simmer::util::Journal;

namespace {

json sample_event(int i) {
  // Varied lengths and a multi-byte character, so cuts land inside strings, numbers, keys and UTF-8 sequences.
  return json{{"kind", "warning"},
              {"runId", "r20261122T100000Z-4f2a"},
              {"ts", "2026-11-22T10:00:0" + std::to_string(i) + ".123Z"},
              {"data", {{"message", std::string(static_cast<std::size_t>(i) * 3, 'x') + " caf\xc3\xa9"}, {"n", i}}}};
}

// Writes `count` events through the real writer and returns the line start offsets (plus the file size last).
std::vector<std::size_t> write_events(const std::filesystem::path& path, int count) {
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, "events.jsonl");
  for (int i = 1; i <= count; ++i) {
    REQUIRE(journal.append(sample_event(i)) == static_cast<std::uint64_t>(i));
  }
  REQUIRE(warnings.empty());
  std::string text = slurp(path);
  std::vector<std::size_t> starts = {0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      starts.push_back(i + 1);
    }
  }
  return starts;  // starts.back() == text.size()
}

std::string expect_corrupt(const std::filesystem::path& path) {
  std::vector<std::string> warnings;
  try {
    Journal::open(path, warnings, "events.jsonl");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::journal_corrupt);
    CHECK(warnings.empty());
    return e.what();
  }
  FAIL("Journal::open accepted a damaged journal");
  return "";
}

}  // namespace

TEST_CASE("journal: append gives contiguous seq and compact lines") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  write_events(path, 3);
  std::string text = slurp(path);
  auto lines = std::count(text.begin(), text.end(), '\n');
  CHECK(lines == 3);
  json first = sample_event(1);
  first["seq"] = 1;
  CHECK(text.substr(0, text.find('\n')) == first.dump());
  auto contents = Journal::read(path);
  REQUIRE(contents);
  REQUIRE(contents->events.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(contents->events[static_cast<std::size_t>(i)]["seq"] == i + 1);
    CHECK(contents->events[static_cast<std::size_t>(i)]["data"]["n"] == i + 1);
  }
  CHECK(contents->scan.last_seq == 3);
  CHECK(!contents->scan.torn_tail);

  // Reopening continues the sequence.
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings);
  CHECK(journal.last_seq() == 3);
  CHECK(journal.append(json{{"kind", "warning"}}) == 4);
  CHECK(warnings.empty());
}

TEST_CASE("journal: recovers from a cut at every byte offset of its last two records") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  auto starts = write_events(path, 5);
  const std::string full = slurp(path);
  REQUIRE(starts.size() == 6);
  const std::size_t first_cut = starts[3];  // start of record 4

  for (std::size_t cut = first_cut; cut <= full.size(); ++cut) {
    // Variant 0: the file simply ends at `cut` (a short write). Variant 1: the partial line got a newline anyway.
    // Variant 2: the file system extended the size but the data never landed (NUL bytes).
    for (int variant = 0; variant < 3; ++variant) {
      INFO("cut at byte " << cut << ", variant " << variant);
      std::size_t whole = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), cut) -
                                                   starts.begin()) -
                          1;  // complete records before `cut`
      std::size_t good_end = starts[whole];
      std::size_t partial = cut - good_end;
      std::string content = full.substr(0, cut);
      std::string why = "no trailing newline";
      if (variant == 1) {
        if (partial == 0 || cut + 1 == starts[whole + 1]) {
          continue;  // nothing partial, or the "partial" line is the whole line: not torn
        }
        content += '\n';
        partial += 1;
        why = "not valid JSON";
      } else if (variant == 2) {
        content += std::string(7, '\0');
        partial += 7;
      }
      spit(path, content);

      std::vector<std::string> warnings;
      auto journal = Journal::open(path, warnings, "events.jsonl");
      CHECK(journal.last_seq() == whole);
      if (partial == 0) {
        CHECK(warnings.empty());
      } else {
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0] == "cut a torn last line off the journal (events.jsonl:" + std::to_string(whole + 1) +
                                 "): " + std::to_string(partial) + " bytes at byte offset " + std::to_string(good_end) +
                                 ", " + why);
      }
      CHECK(slurp(path) == full.substr(0, good_end));

      // Appending after the repair continues the sequence with no gap and no leftover bytes.
      CHECK(journal.append(json{{"kind", "warning"}, {"data", {{"message", "after"}}}}) == whole + 1);
      auto contents = Journal::read(path);
      REQUIRE(contents);
      REQUIRE(contents->events.size() == whole + 1);
      for (std::size_t i = 0; i < whole; ++i) {
        json expected = sample_event(static_cast<int>(i) + 1);
        expected["seq"] = i + 1;
        CHECK(contents->events[i] == expected);
      }
      CHECK(contents->events[whole]["data"]["message"] == "after");
      CHECK(!contents->scan.torn_tail);
    }
  }
}

TEST_CASE("journal: refuses damage before its last line and changes nothing") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  auto starts = write_events(path, 4);
  const std::string full = slurp(path);

  struct Case {
    std::string name;
    std::string content;
    std::string message;
  };
  std::string line2 = full.substr(starts[1], starts[2] - starts[1]);
  std::string garbled = full;
  garbled[starts[1]] = '#';                                              // line 2 no longer parses, good lines follow
  std::string gap = full.substr(0, starts[2]) + full.substr(starts[3]);  // line 3 gone: seq 4 follows seq 2
  std::string duplicate = full.substr(0, starts[2]) + line2 + full.substr(starts[2]);
  std::string blank = full.substr(0, starts[1]) + "\n" + full.substr(starts[1]);
  std::string not_object = full.substr(0, starts[2]) + "[1,2]\n" + full.substr(starts[2]);
  std::string no_seq = "{\"kind\":\"warning\"}\n" + full;
  std::string bad_then_torn = full.substr(0, starts[3]) + "{\"seq\":\n" + "{\"se";
  std::string wrong_last = full + "{\"seq\":9}\n";
  const std::vector<Case> cases = {
      {"garbled line 2", garbled,
       "the journal is damaged before its last line (events.jsonl:2): not valid JSON; nothing was changed"},
      {"missing record", gap,
       "the journal is damaged before its last line (events.jsonl:3): seq 4 where 3 was expected; nothing was "
       "changed"},
      {"duplicate record", duplicate,
       "the journal is damaged before its last line (events.jsonl:3): seq 2 where 3 was expected; nothing was "
       "changed"},
      {"empty line", blank,
       "the journal is damaged before its last line (events.jsonl:2): empty line; nothing was changed"},
      {"not an object", not_object,
       "the journal is damaged before its last line (events.jsonl:3): not a JSON object; nothing was changed"},
      {"no seq", no_seq,
       "the journal is damaged before its last line (events.jsonl:1): no integer \"seq\"; nothing was changed"},
      {"bad line then torn tail", bad_then_torn,
       "the journal is damaged before its last line (events.jsonl:4): not valid JSON; nothing was changed"},
      {"well-formed last line with a wrong seq", wrong_last,
       "the journal is damaged before its last line (events.jsonl:5): seq 9 where 5 was expected; nothing was "
       "changed"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    spit(path, c.content);
    auto before = simmer::util::sha256_file_hex(path);
    REQUIRE(before);
    CHECK(expect_corrupt(path) == c.message);
    CHECK(*simmer::util::sha256_file_hex(path) == *before);
    // Read-only users get the same refusal.
    CHECK_THROWS_WITH(Journal::read(path, "events.jsonl"), c.message);
    CHECK(*simmer::util::sha256_file_hex(path) == *before);
  }
}

TEST_CASE("journal: read reports a torn tail without repairing it") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  auto starts = write_events(path, 2);
  std::string full = slurp(path);
  spit(path, full.substr(0, full.size() - 4));
  auto contents = Journal::read(path, ".simmer/events.jsonl");
  REQUIRE(contents);
  CHECK(contents->events.size() == 1);
  REQUIRE(contents->scan.torn_tail);
  CHECK(*contents->scan.torn_tail == "cut a torn last line off the journal (.simmer/events.jsonl:2): " +
                                         std::to_string(full.size() - 4 - starts[1]) + " bytes at byte offset " +
                                         std::to_string(starts[1]) + ", no trailing newline");
  CHECK(contents->scan.good_bytes == starts[1]);
  CHECK(slurp(path) == full.substr(0, full.size() - 4));
}

TEST_CASE("journal: reading a missing file gives nothing and a directory a failure") {
  TempDir dir;
  auto contents = Journal::read(dir / "events.jsonl");
  REQUIRE(contents);
  CHECK(contents->events.empty());
  CHECK(contents->scan.last_seq == 0);

  auto unreadable = Journal::read(dir.path(), "x");
  REQUIRE(!unreadable);
  CHECK(unreadable.failure().message == "cannot read x: Is a directory");
}

TEST_CASE("journal: for_each_line visits lines with numbers and offsets") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  auto starts = write_events(path, 4);
  std::vector<std::uint64_t> lines;
  std::vector<std::uint64_t> offsets;
  auto scan = Journal::for_each_line(path, [&](const simmer::util::JournalLine& l) {
    lines.push_back(l.line);
    offsets.push_back(l.offset);
    CHECK(l.event["seq"] == l.line);
  });
  REQUIRE(scan);
  CHECK(lines == std::vector<std::uint64_t>{1, 2, 3, 4});
  CHECK(offsets == std::vector<std::uint64_t>{starts[0], starts[1], starts[2], starts[3]});
  CHECK(scan->lines == 4);
  CHECK(scan->good_bytes == starts[4]);
}

TEST_CASE("journal: open creates a missing file and an empty journal starts at seq 1") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings);
  CHECK(std::filesystem::exists(path));
  CHECK(journal.last_seq() == 0);
  CHECK(journal.append(json::object()) == 1);
  CHECK(slurp(path) == "{\"seq\":1}\n");
}

TEST_CASE("journal: append refuses a non-object and replaces invalid UTF-8") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, "events.jsonl");
  CHECK_THROWS_WITH(journal.append(json::array()),
                    "cannot append to the journal (events.jsonl): the event is not a JSON object");
  CHECK(slurp(path).empty());
  CHECK(journal.append(json{{"m", std::string("a\xff"
                                              "b")}}) == 1);
  CHECK(slurp(path) ==
        "{\"m\":\"a\xef\xbf\xbd"
        "b\",\"seq\":1}\n");
}

TEST_CASE("journal: append that cannot sync throws unsafe_storage and refuses more") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, "events.jsonl");
  ::setenv("SIMMER_FAULT", "fsync-eio", 1);
  try {
    journal.append(json::object());
    ::unsetenv("SIMMER_FAULT");
    FAIL("append succeeded although fdatasync failed");
  } catch (const simmer::Error& e) {
    ::unsetenv("SIMMER_FAULT");
    CHECK(e.code() == ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) == "cannot sync the journal (events.jsonl): Input/output error");
  }
  CHECK_THROWS_WITH(journal.append(json::object()),
                    "cannot append to the journal (events.jsonl): an earlier write failed; reopen it to repair");
}

TEST_CASE("journal: a writer killed in the middle of an append loses only that line") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  int status = simmer::test::run_in_child([&] {
    ::setenv("SIMMER_FAULT", "journal-torn-append:3", 1);
    std::vector<std::string> warnings;
    auto journal = Journal::open(path, warnings);
    for (int i = 1; i <= 5; ++i) {
      journal.append(sample_event(i));
    }
    return 0;
  });
  CHECK(status == 99);
  std::string torn = slurp(path);
  CHECK(torn.back() != '\n');

  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, "events.jsonl");
  CHECK(journal.last_seq() == 2);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].rfind("cut a torn last line off the journal (events.jsonl:3): ", 0) == 0);
  CHECK(journal.append(sample_event(3)) == 3);
}

TEST_CASE("journal: at_path notices a removed, moved or symlinked journal and restore_at_path puts every byte back") {
  TempDir dir;
  auto folder = dir / ".simmer";
  std::filesystem::create_directories(folder);
  auto path = folder / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, ".simmer/events.jsonl");
  for (int i = 1; i <= 3; ++i) {
    journal.append(sample_event(i));
  }
  const std::string text = slurp(path);
  CHECK(journal.at_path());

  SECTION("rm -rf of the folder") {
    std::filesystem::remove_all(folder);
    CHECK_FALSE(journal.at_path());
  }
  SECTION("the file moved out, a symlink left in its place") {
    auto outside = dir / "outside.jsonl";
    std::filesystem::rename(path, outside);
    std::filesystem::create_symlink(outside, path);
    CHECK_FALSE(journal.at_path());
    journal.restore_at_path();
    CHECK(slurp(outside) == text);  // the outside file is left as it was
  }
  SECTION("the folder moved out, a symlink to it left in its place") {
    auto moved = dir / "moved";
    std::filesystem::rename(folder, moved);
    std::filesystem::create_directory_symlink(moved, folder);
    CHECK_FALSE(journal.at_path());
    journal.restore_at_path();
    CHECK(std::filesystem::is_directory(std::filesystem::symlink_status(folder)));
    CHECK(slurp(moved / "events.jsonl") == text);
  }
  if (!journal.at_path()) {
    journal.restore_at_path();
  }
  CHECK(journal.at_path());
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(path)));
  CHECK(slurp(path) == text);
  // Appends go on from the restored file, seq unbroken.
  CHECK(journal.append(sample_event(4)) == 4);
  auto contents = Journal::read(path);
  REQUIRE(contents.ok());
  CHECK(contents->scan.last_seq == 4);
}

TEST_CASE("journal: cut_back removes appended bytes through the handle, not the path") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings);
  journal.append(sample_event(1));
  auto size = journal.size();
  spit(path, slurp(path) + "{\"seq\":2,\"forged\":true}\n");
  CHECK(journal.size() > size);
  CHECK_FALSE(journal.cut_back(static_cast<std::uint64_t>(journal.size()) + 1));
  REQUIRE(journal.cut_back(static_cast<std::uint64_t>(size)));
  CHECK(journal.size() == size);
  CHECK(journal.append(sample_event(2)) == 2);
}

TEST_CASE("journal: a symlink at the journal's path is refused on open, its target untouched") {
  TempDir dir;
  auto target = dir / "target";
  spit(target, "precious\n");
  std::filesystem::create_symlink(target, dir / "events.jsonl");
  std::vector<std::string> warnings;
  try {
    Journal::open(dir / "events.jsonl", warnings, ".simmer/events.jsonl");
    FAIL("opened a symlink");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) ==
          "cannot open the journal (.simmer/events.jsonl): it is a symbolic link; simmer writes its journal only to "
          "a regular file inside the project (move the real file back in place)");
  }
  CHECK(slurp(target) == "precious\n");
}

// The cook folds an event from memory right after appending it: the in-memory event must be what the file holds,
// or invalid bytes reach state.json's dump (`internal error: ... invalid UTF-8 byte`).
TEST_CASE("journal: make_storable gives the event exactly as the journal stores it") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  std::vector<std::string> warnings;
  auto journal = Journal::open(path, warnings, "events.jsonl");
  json event = {{"data",
                 {{"out", std::string("ok \xff\xfe end")},
                  {"list", {std::string("\xc3"), "fine", 3}},
                  {std::string("k\x80"), {{"nested", std::string("x\xe2\x82")}}}}}};
  json stored = event;
  simmer::util::make_storable(stored["data"]);
  journal.append(event);
  auto read = Journal::read(path, "events.jsonl");
  REQUIRE(read.ok());
  json on_disk = read->events.at(0);
  on_disk.erase("seq");
  CHECK(on_disk == stored);
  CHECK(stored.dump() == on_disk.dump());  // dumps without throwing: only valid UTF-8 is left
  json valid = {{"a", "caf\xc3\xa9"}, {"b", 1}};
  json copy = valid;
  simmer::util::make_storable(copy);
  CHECK(copy == valid);
}

TEST_CASE("journal: a line longer than 64 MiB is never held whole: damage before the end, a torn tail last") {
  TempDir dir;
  auto path = dir / "events.jsonl";
  const std::string good = "{\"seq\":1}\n";
  const std::string huge((std::size_t{64} << 20) + 10, '\0');
  spit(path, good + huge + "\n{\"seq\":2}\n");
  CHECK_THROWS_WITH(Journal::read(path, "events.jsonl"),
                    "the journal is damaged before its last line (events.jsonl:2): longer than 64 MiB, not a line "
                    "simmer wrote; nothing was changed");
  spit(path, good + huge);
  auto scan = Journal::for_each_line(
      path, [](const simmer::util::JournalLine&) {}, "events.jsonl");
  REQUIRE(scan.ok());
  CHECK(scan->last_seq == 1);
  CHECK(scan->good_bytes == good.size());
  CHECK(scan->torn_tail == "cut a torn last line off the journal (events.jsonl:2): " + std::to_string(huge.size()) +
                               " bytes at byte offset 10, no trailing newline");
}
