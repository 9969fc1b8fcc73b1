#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util_support.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using simmer::ExitCode;
using simmer::test::slurp;
using simmer::test::spit;
using simmer::test::TempDir;
using simmer::test::temps_in;
namespace util = simmer::util;

TEST_CASE("fs: read_file returns the content or names the path and the system error") {
  TempDir dir;
  spit(dir / "a.txt", std::string("bytes\0with nul\n", 15));
  auto content = util::read_file(dir / "a.txt");
  REQUIRE(content);
  CHECK(*content == std::string("bytes\0with nul\n", 15));

  spit(dir / "empty", "");
  CHECK(util::read_file(dir / "empty").value().empty());

  auto missing = util::read_file(dir / "missing.json");
  REQUIRE(!missing);
  CHECK(missing.failure().code == ExitCode::invalid_input);
  CHECK(missing.failure().message == "cannot read " + (dir / "missing.json").string() + ": No such file or directory");

  auto directory = util::read_file(dir.path());
  REQUIRE(!directory);
  CHECK(directory.failure().message == "cannot read " + dir.path().string() + ": Is a directory");
}

TEST_CASE("fs: exists sees files and directories, not dangling links") {
  TempDir dir;
  CHECK(util::exists(dir.path()));
  CHECK(!util::exists(dir / "x"));
  spit(dir / "x", "1");
  CHECK(util::exists(dir / "x"));
  std::filesystem::create_symlink(dir / "nowhere", dir / "link");
  CHECK(!util::exists(dir / "link"));
}

TEST_CASE("fs: ensure_dir creates nested directories and accepts existing ones") {
  TempDir dir;
  auto deep = dir / "a" / "b" / "c";
  util::ensure_dir(deep);
  CHECK(std::filesystem::is_directory(deep));
  util::ensure_dir(deep);  // idempotent
  CHECK(std::filesystem::is_directory(deep));

  spit(dir / "file", "x");
  try {
    util::ensure_dir(dir / "file" / "sub");
    FAIL("ensure_dir went through a regular file");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) == "cannot create directory (" + (dir / "file" / "sub").string() + "): " +
                                       (dir / "file").string() + " is not a directory");
  }
}

TEST_CASE("fs: sweep_stale_temps removes only the temps of dead writers") {
  TempDir dir;
  // A live process other than us: its temp must survive the sweep.
  pid_t live = ::fork();
  REQUIRE(live >= 0);
  if (live == 0) {
    ::pause();
    ::_exit(0);
  }
  // A dead process: fork one that exits at once and reap it, so its pid is free.
  pid_t dead = ::fork();
  REQUIRE(dead >= 0);
  if (dead == 0) {
    ::_exit(0);
  }
  ::waitpid(dead, nullptr, 0);

  spit(dir / ("state.json.tmp." + std::to_string(dead)), "x");
  spit(dir / ("prd.json.tmp." + std::to_string(::getpid())), "x");
  spit(dir / ("task.json.tmp." + std::to_string(live)), "x");
  spit(dir / "notes.tmp.abc", "x");   // not a pid: not ours
  spit(dir / "state.json", "keep");
  std::filesystem::create_directory(dir / ("sub.tmp." + std::to_string(dead)));  // directories are left alone

  CHECK(util::sweep_stale_temps(dir.path()) == 2);
  CHECK(temps_in(dir.path()) == std::vector<std::string>{"notes.tmp.abc", "sub.tmp." + std::to_string(dead),
                                                         "task.json.tmp." + std::to_string(live)});
  CHECK(slurp(dir / "state.json") == "keep");

  ::kill(live, SIGKILL);
  ::waitpid(live, nullptr, 0);
  CHECK(util::sweep_stale_temps(dir.path()) == 1);
  CHECK(util::sweep_stale_temps(dir / "missing") == 0);
}

TEST_CASE("fs: crash_point dies only at the listed arrival") {
  int status = simmer::test::run_in_child([] {
    ::setenv("SIMMER_FAULT", "other,test-point:3", 1);
    util::crash_point("test-point");
    util::crash_point("test-point");
    return 5;
  });
  CHECK(status == 5);
  status = simmer::test::run_in_child([] {
    ::setenv("SIMMER_FAULT", "other,test-point:3", 1);
    for (int i = 0; i < 3; ++i) {
      util::crash_point("test-point");
    }
    return 5;
  });
  CHECK(status == 99);
  status = simmer::test::run_in_child([] {
    ::unsetenv("SIMMER_FAULT");
    util::crash_point("test-point");
    return util::fault_injected("fsync-eio") ? 1 : 0;
  });
  CHECK(status == 0);
}

TEST_CASE("fs: fsync_dir names a missing directory") {
  TempDir dir;
  try {
    util::fsync_dir(dir / "gone");
    FAIL("synced a missing directory");
  } catch (const simmer::Error& e) {
    CHECK(e.code() == ExitCode::unsafe_storage);
    CHECK(std::string(e.what()) == "cannot sync directory (" + (dir / "gone").string() + "): No such file or directory");
  }
}

TEST_CASE("fs: read_regular_file reads a file but refuses a symlink, a FIFO and a directory without blocking") {
  simmer::test::TempDir dir;
  spit(dir / "file", "content");
  auto ok = simmer::util::read_regular_file(dir / "file");
  REQUIRE(ok.ok());
  CHECK(*ok == "content");
  std::filesystem::create_symlink(dir / "file", dir / "link");
  auto link = simmer::util::read_regular_file(dir / "link");
  REQUIRE(!link.ok());
  CHECK(link.failure().message == (dir / "link").string() + " is a symbolic link, not a file");
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto fifo = simmer::util::read_regular_file(dir / "fifo");
  REQUIRE(!fifo.ok());
  CHECK(fifo.failure().message == (dir / "fifo").string() + " is not a regular file");
  auto folder = simmer::util::read_regular_file(dir.path());
  REQUIRE(!folder.ok());
  CHECK(folder.failure().message == dir.path().string() + " is not a regular file");
  auto missing = simmer::util::read_regular_file(dir / "missing");
  REQUIRE(!missing.ok());
  CHECK(missing.failure().message == "cannot read " + (dir / "missing").string() + ": No such file or directory");
}
