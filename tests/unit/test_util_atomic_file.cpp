#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "test_util_support.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using simmer::ExitCode;
using simmer::test::slurp;
using simmer::test::spit;
using simmer::test::TempDir;
using simmer::test::temps_in;
using simmer::util::AtomicFile;
using simmer::util::write_file_atomic;

TEST_CASE("atomic_file: commit replaces the target and leaves no temp") {
  TempDir dir;
  auto target = dir / "state.json";
  spit(target, "old\n");
  {
    AtomicFile file(target);
    CHECK(file.temp_path() == dir / ("state.json.tmp." + std::to_string(::getpid())));
    file.write("new ");
    file.write("content\n");
    // Before the commit the target still holds the old content.
    CHECK(slurp(target) == "old\n");
    file.commit();
  }
  CHECK(slurp(target) == "new content\n");
  CHECK(temps_in(dir.path()).empty());

  write_file_atomic(dir / "fresh.json", "");
  CHECK(std::filesystem::exists(dir / "fresh.json"));
  CHECK(slurp(dir / "fresh.json").empty());
}

TEST_CASE("atomic_file: an uncommitted file leaves the old content and no temp") {
  TempDir dir;
  auto target = dir / "prd.json";
  spit(target, "old\n");
  {
    AtomicFile file(target);
    file.write("half a fi");
    CHECK(temps_in(dir.path()).size() == 1);
  }
  CHECK(slurp(target) == "old\n");
  CHECK(temps_in(dir.path()).empty());

  // The same when an exception unwinds past it, and when the target did not exist.
  try {
    AtomicFile file(dir / "absent.json");
    file.write("x");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  CHECK(!std::filesystem::exists(dir / "absent.json"));
  CHECK(temps_in(dir.path()).empty());
}

TEST_CASE("atomic_file: refuses a second commit and writes after commit") {
  TempDir dir;
  auto target = dir / "a.json";
  AtomicFile file(target);
  file.write("1");
  file.commit();
  CHECK_THROWS_WITH(file.commit(), "cannot commit " + target.string() + " (" + file.temp_path().string() +
                                       "): the file was already committed");
  CHECK_THROWS_WITH(file.write("2"), "cannot write " + target.string() + " (" + file.temp_path().string() +
                                         "): the file was already committed");
  CHECK(slurp(target) == "1");
}

TEST_CASE("atomic_file: a temp in a missing directory throws unsafe_storage naming the temp") {
  TempDir dir;
  auto target = dir / "nope" / "a.json";
  try {
    AtomicFile file(target);
    FAIL("opened a temp in a missing directory");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) == "cannot write " + target.string() + " (" + target.string() + ".tmp." +
                                       std::to_string(::getpid()) + "): No such file or directory");
  }
}

TEST_CASE("atomic_file: a failed fsync throws and keeps the old content") {
  TempDir dir;
  auto target = dir / "state.json";
  spit(target, "old\n");
  ::setenv("SIMMER_FAULT", "fsync-eio", 1);
  std::string message;
  try {
    write_file_atomic(target, "new\n");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    message = e.what();
  }
  ::unsetenv("SIMMER_FAULT");
  CHECK(message == "cannot write " + target.string() + " (" + target.string() + ".tmp." + std::to_string(::getpid()) +
                       "): Input/output error");
  CHECK(slurp(target) == "old\n");
  CHECK(temps_in(dir.path()).empty());
}

TEST_CASE("atomic_file: a writer killed at each crash point leaves old or new content, never half") {
  struct Point {
    const char* name;
    const char* expected;
    bool temp_left;
  };
  const Point points[] = {
      {"atomic-after-write", "old\n", true},
      {"atomic-before-rename", "old\n", true},
      {"atomic-after-rename", "new content\n", false},
  };
  for (const auto& point : points) {
    INFO(point.name);
    TempDir dir;
    auto target = dir / "state.json";
    spit(target, "old\n");
    int status = simmer::test::run_in_child([&] {
      ::setenv("SIMMER_FAULT", point.name, 1);
      write_file_atomic(target, "new content\n");
      return 0;
    });
    CHECK(status == 99);
    CHECK(slurp(target) == point.expected);
    CHECK(temps_in(dir.path()).size() == (point.temp_left ? 1u : 0u));
    // The next start sweeps what the dead writer left.
    CHECK(simmer::util::sweep_stale_temps(dir.path()) == (point.temp_left ? 1u : 0u));
    CHECK(temps_in(dir.path()).empty());
    CHECK(slurp(target) == point.expected);
  }
}

TEST_CASE("atomic_file: replaces a temp left by a dead writer with our pid") {
  TempDir dir;
  auto target = dir / "a.json";
  spit(dir / ("a.json.tmp." + std::to_string(::getpid())), "garbage from a previous life");
  write_file_atomic(target, "fresh\n");
  CHECK(slurp(target) == "fresh\n");
  CHECK(temps_in(dir.path()).empty());
}

TEST_CASE("atomic_file: honours the mode it is given") {
  TempDir dir;
  mode_t old_mask = ::umask(022);
  {
    AtomicFile file(dir / "secret.json", 0600);
    file.write("{}\n");
    file.commit();
  }
  ::umask(old_mask);
  struct stat st {};
  REQUIRE(::stat((dir / "secret.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

namespace {
// What the directory-sync seam saw, and what the target held at that moment.
std::vector<std::filesystem::path> g_synced_dirs;
std::vector<std::string> g_target_at_sync;
std::filesystem::path g_watched_target;
void record_dir_sync(const std::filesystem::path& dir) {
  g_synced_dirs.push_back(dir);
  g_target_at_sync.push_back(slurp(g_watched_target));
}
}  // namespace

TEST_CASE("atomic_file: commit fsyncs the target's directory after the rename") {
  TempDir dir;
  g_watched_target = dir / "prd.json";
  spit(g_watched_target, "old\n");
  g_synced_dirs.clear();
  g_target_at_sync.clear();
  simmer::util::set_dir_sync_observer(record_dir_sync);
  write_file_atomic(g_watched_target, "new\n");
  simmer::util::set_dir_sync_observer(nullptr);
  // Exactly one directory sync, of the target's own directory, once the new content is in place (a sync before
  // the rename would make nothing durable).
  REQUIRE(g_synced_dirs == std::vector<std::filesystem::path>{dir.path()});
  CHECK(g_target_at_sync == std::vector<std::string>{"new\n"});
}

TEST_CASE("atomic_file: a failed directory fsync after the rename throws unsafe_storage naming the directory") {
  TempDir dir;
  auto target = dir / "progress.json";
  spit(target, "old\n");
  // The first sync is the temp's, the second the directory's.
  ::setenv("SIMMER_FAULT", "fsync-eio:2", 1);
  std::string message;
  try {
    write_file_atomic(target, "new\n");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    message = e.what();
  }
  ::unsetenv("SIMMER_FAULT");
  CHECK(message == "cannot sync directory (" + dir.path().string() + "): Input/output error");
}
