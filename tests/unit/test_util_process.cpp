// The process runner: exit status, line splitting, stdin, timeouts that kill the whole group, cancel, and
// bounded memory on huge output.
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using simmer::util::ProcessSpec;
using simmer::util::run_process;
using simmer::util::StreamId;

namespace {

// Peak resident set of this process in KiB, from /proc/self/status.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

ProcessSpec shell(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

bool pid_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("process: lines of stdout and stderr reach the callback with the exit status") {
  std::vector<std::string> out;
  std::vector<std::string> err;
  auto result = run_process(shell("printf 'one\\ntwo\\n'; echo oops >&2; printf 'last'; exit 3"),
                            [&](StreamId id, std::string_view line, bool truncated) {
                              CHECK_FALSE(truncated);
                              (id == StreamId::out ? out : err).emplace_back(line);
                            });
  CHECK(result.spawned);
  CHECK(result.exit_code == 3);
  CHECK_FALSE(result.succeeded());
  CHECK(out == std::vector<std::string>{"one", "two", "last"});
  CHECK(err == std::vector<std::string>{"oops"});
  CHECK(result.stderr_tail == "oops\n");
  CHECK(result.stdout_bytes == 12);
}

TEST_CASE("process: stdin payload, env additions, unset and cwd reach the child") {
  auto dir = std::filesystem::temp_directory_path() / ("simmer-proc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("SIMMER_TEST_UNSET_ME", "present", 1);
  ProcessSpec spec = shell("cat; echo \"[$SIMMER_TEST_VAR] [${SIMMER_TEST_UNSET_ME-gone}]\"; pwd");
  spec.stdin_payload = "from stdin\n";
  spec.env["SIMMER_TEST_VAR"] = "v1";
  spec.unset_env = {"SIMMER_TEST_UNSET_ME"};
  spec.cwd = dir;
  std::vector<std::string> out;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { out.emplace_back(line); });
  CHECK(result.succeeded());
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "from stdin");
  CHECK(out[1] == "[v1] [gone]");
  CHECK(std::filesystem::equivalent(out[2], dir));
  std::filesystem::remove_all(dir);
}

TEST_CASE("process: a large stdin payload to a child that never reads it does not hang or kill us") {
  ProcessSpec spec = shell("exit 0");
  spec.stdin_payload = std::string(4 * 1024 * 1024, 'x');
  auto result = run_process(spec, {});
  CHECK(result.succeeded());
}

TEST_CASE("process: a program that does not exist is reported, not thrown") {
  ProcessSpec spec;
  spec.argv = {"simmer-no-such-program-xyz"};
  auto result = run_process(spec, {});
  CHECK_FALSE(result.spawned);
  CHECK(result.spawn_error == "cannot start 'simmer-no-such-program-xyz': not found in PATH");
}

TEST_CASE("process: PATH of the child environment is used to find the program") {
  auto dir = std::filesystem::temp_directory_path() / ("simmer-path-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream tool(dir / "simmer-fake-tool");
    tool << "#!/bin/sh\necho fake-tool-ran\n";
  }
  std::filesystem::permissions(dir / "simmer-fake-tool", std::filesystem::perms::owner_all);
  ProcessSpec spec;
  spec.argv = {"simmer-fake-tool"};
  spec.env["PATH"] = dir.string() + ":/usr/bin:/bin";
  std::string line;
  auto result = run_process(spec, [&](StreamId, std::string_view l, bool) { line = l; });
  CHECK(result.succeeded());
  CHECK(line == "fake-tool-ran");
  std::filesystem::remove_all(dir);
}

TEST_CASE("process: wall-clock timeout kills the child and its grandchild") {
  // The child starts a grandchild that would outlive it, prints both pids, then both sleep.
  ProcessSpec spec = shell("sleep 300 & echo $$ $!; wait");
  spec.timeout_ms = 500;
  spec.kill_grace_ms = 500;
  std::string pids;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { pids = line; });
  CHECK(result.timed_out);
  CHECK_FALSE(result.succeeded());
  int child = 0;
  int grandchild = 0;
  REQUIRE(std::sscanf(pids.c_str(), "%d %d", &child, &grandchild) == 2);
  CHECK_FALSE(pid_alive(grandchild));
  CHECK_FALSE(simmer::util::process_group_alive(child));
}

TEST_CASE("process: a child that ignores SIGTERM is killed after the grace period") {
  ProcessSpec spec = shell("trap '' TERM; echo $$; while :; do sleep 1; done");
  spec.timeout_ms = 300;
  spec.kill_grace_ms = 300;
  std::string pid;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { pid = line; });
  CHECK(result.timed_out);
  CHECK(result.term_signal == SIGKILL);
  CHECK_FALSE(simmer::util::process_group_alive(std::stoi(pid)));
}

TEST_CASE("process: idle timeout fires when the child stops printing") {
  ProcessSpec spec = shell("echo started; sleep 300");
  spec.idle_timeout_ms = 300;
  spec.kill_grace_ms = 300;
  std::vector<std::string> out;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { out.emplace_back(line); });
  CHECK(result.idle_timed_out);
  CHECK_FALSE(result.timed_out);
  CHECK(out == std::vector<std::string>{"started"});
}

TEST_CASE("process: the cancel flag kills the group") {
  std::atomic<bool> cancel{false};
  ProcessSpec spec = shell("echo $$; sleep 300");
  spec.kill_grace_ms = 300;
  std::string pid;
  auto result = run_process(spec,
                            [&](StreamId, std::string_view line, bool) {
                              pid = line;
                              cancel = true;
                            },
                            &cancel);
  CHECK(result.cancelled);
  CHECK_FALSE(result.timed_out);
  CHECK_FALSE(simmer::util::process_group_alive(std::stoi(pid)));
}

TEST_CASE("process: a background process left behind by a finished child is ended") {
  ProcessSpec spec = shell("sleep 300 & echo $$ $!");
  spec.drain_after_exit_ms = 200;
  spec.kill_grace_ms = 300;
  std::string pids;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { pids = line; });
  CHECK(result.exit_code == 0);
  int child = 0;
  int grandchild = 0;
  REQUIRE(std::sscanf(pids.c_str(), "%d %d", &child, &grandchild) == 2);
  CHECK_FALSE(pid_alive(grandchild));
}

TEST_CASE("process: 100 MB of output costs bounded memory and keeps only the tail") {
  const long before = peak_rss_kib();
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  // 100 MB in 1 MB lines of 'a' (each followed by a newline).
  auto result = run_process(shell("i=0; while [ $i -lt 100 ]; do head -c 1048575 /dev/zero | tr '\\0' a; echo; "
                                  "i=$((i+1)); done"),
                            [&](StreamId, std::string_view line, bool truncated) {
                              CHECK_FALSE(truncated);
                              ++lines;
                              bytes += line.size();
                            });
  CHECK(result.succeeded());
  CHECK(lines == 100);
  CHECK(bytes == 100ull * 1048575);
  CHECK(result.stdout_bytes == 100ull * 1048576);
  CHECK(result.output_tail.size() == 64 * 1024);
  const long after = peak_rss_kib();
  INFO("peak RSS before " << before << " KiB, after " << after << " KiB");
  // Generous: a few line buffers and pipe reads, far below the 100 MB that went through.
  CHECK(after - before < 32 * 1024);
}

TEST_CASE("process: a 10 MB single line is cut at the line cap and the rest counted") {
  const long before = peak_rss_kib();
  ProcessSpec spec = shell("head -c 10000000 /dev/zero | tr '\\0' x; echo; echo after");
  spec.max_line_bytes = 1024 * 1024;
  std::vector<std::pair<std::size_t, bool>> seen;
  std::string last;
  auto result = run_process(spec, [&](StreamId, std::string_view line, bool truncated) {
    seen.emplace_back(line.size(), truncated);
    last = line;
  });
  CHECK(result.succeeded());
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::make_pair(std::size_t{1024 * 1024}, true));
  CHECK(last == "after");
  CHECK(result.truncated_lines == 1);
  CHECK(result.dropped_bytes == 10000000 - 1024 * 1024);
  const long after = peak_rss_kib();
  INFO("peak RSS before " << before << " KiB, after " << after << " KiB");
  CHECK(after - before < 16 * 1024);
}

TEST_CASE("process: run_shell runs a gate command in a directory") {
  auto result = simmer::util::run_shell("echo gate-output; exit 1", std::filesystem::temp_directory_path(), 0);
  CHECK(result.exit_code == 1);
  CHECK(result.output_tail == "gate-output\n");
}
