#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

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
    CHECK(std::string(e.what()) == "cannot create directory (" + (dir / "file" / "sub").string() +
                                       "): " + (dir / "file").string() + " is not a directory");
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
  spit(dir / "notes.tmp.abc", "x");  // not a pid: not ours
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
    CHECK(std::string(e.what()) ==
          "cannot sync directory (" + (dir / "gone").string() + "): No such file or directory");
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

namespace {

// `size` bytes that differ from one offset to the next, so a lost, doubled or reordered piece shows.
std::string pattern_bytes(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
  }
  return out;
}

std::atomic<int> g_interruptions{0};
extern "C" void count_interruption(int) { g_interruptions.fetch_add(1); }

// While alive, sends SIGUSR1 to `target` every 100 µs. The handler is installed without SA_RESTART, so a read or
// write blocked in the kernel returns early: EINTR before any byte moved, a partial count after some did.
class Interrupter {
public:
  explicit Interrupter(pthread_t target) : m_target(target) {
    struct sigaction sa {};
    sa.sa_handler = count_interruption;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGUSR1, &sa, &m_old);
    g_interruptions = 0;
    m_thread = std::thread([this] {
      while (!m_stop) {
        ::pthread_kill(m_target, SIGUSR1);
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
  }
  ~Interrupter() {
    m_stop = true;
    m_thread.join();
    ::sigaction(SIGUSR1, &m_old, nullptr);
  }
  Interrupter(const Interrupter&) = delete;
  Interrupter& operator=(const Interrupter&) = delete;

private:
  pthread_t m_target;
  struct sigaction m_old {};
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

}  // namespace

TEST_CASE("fs: read_all hands over every byte, from the descriptor's offset or from a given one") {
  TempDir dir;
  const std::string data = pattern_bytes(200'000);
  spit(dir / "data", data);
  int fd = ::open((dir / "data").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);

  std::string got;
  int chunks = 0;
  auto result = util::read_all(fd, [&](std::string_view chunk) {
    CHECK(!chunk.empty());
    CHECK(chunk.size() <= 65536);
    got.append(chunk);
    ++chunks;
  });
  CHECK(result.error == 0);
  CHECK(result.bytes == data.size());
  CHECK(got == data);
  CHECK(chunks >= 4);  // more than one buffer's worth, so the loop, not a single read, was tested

  // From an offset: pread, and the descriptor stays where it was.
  REQUIRE(::lseek(fd, 7, SEEK_SET) == 7);
  got.clear();
  result = util::read_all(
      fd, [&](std::string_view chunk) { got.append(chunk); }, 100'000);
  CHECK(result.error == 0);
  CHECK(result.bytes == 100'000);
  CHECK(got == data.substr(100'000));
  CHECK(::lseek(fd, 0, SEEK_CUR) == 7);
  ::close(fd);

  // An empty file is end of file at once: nothing handed over.
  spit(dir / "empty", "");
  fd = ::open((dir / "empty").c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  result = util::read_all(fd, [&](std::string_view) { FAIL("a chunk of an empty file"); });
  CHECK(result.error == 0);
  CHECK(result.bytes == 0);
  ::close(fd);
}

TEST_CASE("fs: write_all writes at the descriptor's offset or a given one, and empty data is no write") {
  TempDir dir;
  int fd = ::open((dir / "out").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  auto result = util::write_all(fd, "hello world");
  CHECK(result.error == 0);
  CHECK(result.bytes == 11);
  result = util::write_all(fd, "W", 6);
  CHECK(result.error == 0);
  CHECK(result.bytes == 1);
  CHECK(::lseek(fd, 0, SEEK_CUR) == 11);  // pwrite left the offset after "hello world"
  result = util::write_all(fd, "");
  CHECK(result.error == 0);
  CHECK(result.bytes == 0);
  ::close(fd);
  CHECK(slurp(dir / "out") == "hello World");
}

TEST_CASE("fs: read_all and write_all stop at the first failing call and say its errno") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
  // Reading an empty non-blocking pipe, and each end used the wrong way round.
  auto read = util::read_all(fds[0], [](std::string_view) { FAIL("a chunk of an empty pipe"); });
  CHECK(read.error == EAGAIN);
  CHECK(read.bytes == 0);
  CHECK(util::read_all(fds[1], [](std::string_view) {}).error == EBADF);
  auto wrong = util::write_all(fds[0], "x");
  CHECK(wrong.error == EBADF);
  CHECK(wrong.bytes == 0);

  // A pipe that takes only part of the data: the bytes it took, then EAGAIN; those bytes are the data's start.
  const long capacity = ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  REQUIRE(capacity > 0);
  const std::string data = pattern_bytes(static_cast<std::size_t>(capacity) * 4);
  auto partial = util::write_all(fds[1], data);
  CHECK(partial.error == EAGAIN);
  CHECK(partial.bytes > 0);
  CHECK(partial.bytes < data.size());
  std::string got;
  read = util::read_all(fds[0], [&](std::string_view chunk) { got.append(chunk); });
  CHECK(read.error == EAGAIN);  // drained, the writer still open
  CHECK(read.bytes == partial.bytes);
  CHECK(got == data.substr(0, partial.bytes));

  // The reader gone: EPIPE (SIGPIPE ignored meanwhile, as a caller that wants EPIPE does).
  ::close(fds[0]);
  struct sigaction ignore {};
  struct sigaction old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  auto broken = util::write_all(fds[1], "x");
  ::sigaction(SIGPIPE, &old, nullptr);
  CHECK(broken.error == EPIPE);
  CHECK(broken.bytes == 0);
  ::close(fds[1]);
}

TEST_CASE("fs: write_all goes on through interrupted and partial writes to a blocking pipe") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  REQUIRE(::fcntl(fds[1], F_SETPIPE_SZ, 4096) > 0);
  const std::string data = pattern_bytes(1 << 20);
  // A slow reader keeps the pipe full, so the writer spends its time blocked in write(2), where the signals land.
  std::string got;
  std::thread reader([&] {
    char buf[8192];
    for (;;) {
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  util::IoResult result;
  int interruptions = 0;
  {
    Interrupter interrupter(::pthread_self());
    result = util::write_all(fds[1], data);
    interruptions = g_interruptions.load();
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  CHECK(result.error == 0);
  CHECK(result.bytes == data.size());
  CHECK(got == data);
  // The test proves nothing unless signals did reach the writer while it wrote.
  CHECK(interruptions >= 10);
}

TEST_CASE("fs: read_all goes on through interrupted reads of a blocking pipe") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  const std::string data = pattern_bytes(256 * 1024);
  // A slow writer leaves the pipe empty most of the time, so the reader waits in read(2), where the signals land.
  int write_error = 0;  // Catch's assertions are not for other threads: checked after the join
  std::thread writer([&] {
    std::string_view rest = data;
    while (!rest.empty() && write_error == 0) {
      const std::size_t n = std::min<std::size_t>(rest.size(), 4096);
      write_error = util::write_all(fds[1], rest.substr(0, n)).error;
      rest.remove_prefix(n);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(fds[1]);
  });
  std::string got;
  util::IoResult result;
  int interruptions = 0;
  {
    Interrupter interrupter(::pthread_self());
    result = util::read_all(fds[0], [&](std::string_view chunk) { got.append(chunk); });
    interruptions = g_interruptions.load();
  }
  writer.join();
  ::close(fds[0]);
  CHECK(write_error == 0);
  CHECK(result.error == 0);
  CHECK(result.bytes == data.size());
  CHECK(got == data);
  CHECK(interruptions >= 10);
}
