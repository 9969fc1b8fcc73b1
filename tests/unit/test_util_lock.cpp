#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "test_util_support.hpp"
#include "util/error.hpp"
#include "util/lock.hpp"

using simmer::ExitCode;
using simmer::test::slurp;
using simmer::test::spit;
using simmer::test::TempDir;
using simmer::util::LockState;
using simmer::util::ProjectLock;

namespace {

// A child process that runs `hold` (which takes some lock), reports readiness on a pipe, and then waits to be
// killed. Returns its pid once it is ready.
pid_t start_holder(const std::function<bool()>& hold) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    char ok = hold() ? 'y' : 'n';
    [[maybe_unused]] auto n = ::write(fds[1], &ok, 1);
    for (;;) {
      ::pause();
    }
  }
  ::close(fds[1]);
  char ok = 0;
  REQUIRE(::read(fds[0], &ok, 1) == 1);
  ::close(fds[0]);
  REQUIRE(ok == 'y');
  return pid;
}

void stop(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

TEST_CASE("lock: acquire writes the holder and release empties the file") {
  TempDir dir;
  auto path = dir / "lock";
  {
    auto lock = ProjectLock::acquire(path, "cook");
    REQUIRE(lock);
    CHECK(lock->takeover_note().empty());
    CHECK(lock->holder().pid == ::getpid());
    CHECK(lock->holder().command == "cook");
    auto info = nlohmann::json::parse(slurp(path));
    CHECK(info["pid"] == ::getpid());
    CHECK(info["command"] == "cook");
    CHECK(info["since"] == lock->holder().since);
    CHECK(info["host"] == lock->holder().host);
    CHECK(lock->holder().since.size() == 20);  // 2026-11-22T10:00:00Z

    auto seen = ProjectLock::inspect(path);
    CHECK(seen.state == LockState::held);
    REQUIRE(seen.holder);
    CHECK(seen.holder->pid == ::getpid());
  }
  CHECK(slurp(path).empty());
  CHECK(ProjectLock::inspect(path).state == LockState::free);
  CHECK(ProjectLock::inspect(dir / "absent").state == LockState::free);
  CHECK(!std::filesystem::exists(dir / "absent"));

  // A clean release is not reported as a takeover.
  auto again = ProjectLock::acquire(path, "cook");
  REQUIRE(again);
  CHECK(again->takeover_note().empty());
}

TEST_CASE("lock: a second process is refused with the holder pid and since when") {
  TempDir dir;
  auto path = dir / "lock";
  pid_t holder = start_holder([&] {
    auto lock = ProjectLock::acquire(path, "cook");
    if (!lock) {
      return false;
    }
    new ProjectLock(std::move(*lock));  // kept for the child's life, which ends by SIGKILL
    return true;
  });
  auto info = nlohmann::json::parse(slurp(path));
  auto refused = ProjectLock::acquire(path, "cook", ".simmer/lock");
  REQUIRE(!refused);
  CHECK(refused.failure().code == ExitCode::lock_held);
  CHECK(refused.failure().message == "project is locked (.simmer/lock): simmer cook is running as pid " +
                                         std::to_string(holder) + " since " + info["since"].get<std::string>());
  // Neither the refusal nor an inspection took anything away from the holder.
  CHECK(nlohmann::json::parse(slurp(path)) == info);
  auto seen = ProjectLock::inspect(path);
  CHECK(seen.state == LockState::held);
  REQUIRE(seen.holder);
  CHECK(seen.holder->pid == holder);
  CHECK(!ProjectLock::acquire(path, "status"));
  stop(holder);
}

TEST_CASE("lock: a lock whose holder died is taken over with a note") {
  TempDir dir;
  auto path = dir / "lock";
  // The child takes the lock and dies without releasing it (no destructor runs on _exit).
  int status = simmer::test::run_in_child([&] {
    auto lock = ProjectLock::acquire(path, "cook");
    if (!lock) {
      return 1;
    }
    ::_exit(0);
  });
  REQUIRE(status == 0);
  auto info = nlohmann::json::parse(slurp(path));
  auto seen = ProjectLock::inspect(path);
  CHECK(seen.state == LockState::stale);
  REQUIRE(seen.holder);
  CHECK(seen.holder->pid == info["pid"].get<std::int64_t>());

  auto lock = ProjectLock::acquire(path, "cook");
  REQUIRE(lock);
  CHECK(lock->takeover_note() == "took over the lock of pid " + std::to_string(info["pid"].get<std::int64_t>()) +
                                     " (started " + info["since"].get<std::string>() + ", no longer running)");
  CHECK(nlohmann::json::parse(slurp(path))["pid"] == ::getpid());
}

TEST_CASE("lock: unreadable holder info is taken over when stale and reported as unknown when held") {
  TempDir dir;
  auto path = dir / "lock";
  spit(path, "\x01garbage");
  CHECK(ProjectLock::inspect(path).state == LockState::stale);
  CHECK(!ProjectLock::inspect(path).holder);
  {
    auto lock = ProjectLock::acquire(path, "cook");
    REQUIRE(lock);
    CHECK(lock->takeover_note() == "took over a stale lock whose holder is unknown");
  }
  // Flocked by someone who has not written (or will never write) its info.
  pid_t holder = start_holder([&] {
    int fd = ::open(path.c_str(), O_RDWR);
    return fd >= 0 && ::flock(fd, LOCK_EX) == 0;
  });
  auto refused = ProjectLock::acquire(path, "cook", "lock");
  REQUIRE(!refused);
  CHECK(refused.failure().code == ExitCode::lock_held);
  CHECK(refused.failure().message == "project is locked (lock): another simmer process holds it");
  CHECK(ProjectLock::inspect(path).state == LockState::held);
  stop(holder);
}

TEST_CASE("lock: a holder on another host is named with its host") {
  TempDir dir;
  auto path = dir / "lock";
  pid_t holder = start_holder([&] {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
      return false;
    }
    std::string info = R"({"command":"cook","host":"elsewhere.invalid","pid":4242,"since":"2026-11-22T10:00:00Z"})";
    return ::write(fd, info.data(), info.size()) == static_cast<ssize_t>(info.size());
  });
  auto refused = ProjectLock::acquire(path, "cook", "lock");
  REQUIRE(!refused);
  CHECK(refused.failure().message ==
        "project is locked (lock): simmer cook is running as pid 4242 on elsewhere.invalid since 2026-11-22T10:00:00Z");
  stop(holder);
}

TEST_CASE("lock: a lock file that cannot be opened is unsafe storage naming it") {
  TempDir dir;
  auto path = dir / "missing-dir" / "lock";
  auto lock = ProjectLock::acquire(path, "cook");
  REQUIRE(!lock);
  CHECK(lock.failure().code == ExitCode::unsafe_storage);
  CHECK(lock.failure().message == "cannot open the lock file (" + path.string() + "): No such file or directory");
}

TEST_CASE("lock: states render as words") {
  CHECK(simmer::util::to_string(LockState::free) == "free");
  CHECK(simmer::util::to_string(LockState::held) == "held");
  CHECK(simmer::util::to_string(LockState::stale) == "stale");
}

TEST_CASE("lock: a removed or replaced lock file is noticed and restored, still held and naming this holder") {
  TempDir dir;
  auto path = dir / "lock";
  auto lock = ProjectLock::acquire(path, "cook");
  REQUIRE(lock);
  CHECK(lock->at_path());
  SECTION("removed") { std::filesystem::remove(path); }
  SECTION("replaced by a symlink") {
    spit(dir / "elsewhere", "");
    std::filesystem::remove(path);
    std::filesystem::create_symlink(dir / "elsewhere", path);
  }
  CHECK_FALSE(lock->at_path());
  auto r = lock->restore_at_path();
  REQUIRE(r.ok());
  CHECK(lock->at_path());
  auto info = ProjectLock::inspect(path);
  CHECK(info.state == LockState::held);
  REQUIRE(info.holder);
  CHECK(info.holder->pid == ::getpid());
  if (std::filesystem::exists(dir / "elsewhere")) {
    CHECK(slurp(dir / "elsewhere").empty());
  }
}

TEST_CASE("lock: a symlink at the lock's path is refused as unsafe storage") {
  TempDir dir;
  spit(dir / "target", "");
  std::filesystem::create_symlink(dir / "target", dir / "lock");
  auto lock = ProjectLock::acquire(dir / "lock", "cook", ".simmer/lock");
  REQUIRE(!lock);
  CHECK(lock.failure().code == ExitCode::unsafe_storage);
  CHECK(lock.failure().message == "cannot open the lock file (.simmer/lock): it is a symbolic link");
}
