// The process runner: exit status, line splitting, stdin, timeouts that kill the whole group, cancel, and
// bounded memory on huge output.
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <filesystem>
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
  auto result = run_process(
      spec,
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

namespace {

// Reads the pid a hostile child wrote to `path`, polling (bounded) because the child writes it in the background.
int pid_from_file(const std::filesystem::path& path) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(path);
    int pid = 0;
    if (in >> pid && pid > 0) {
      return pid;
    }
    ::usleep(10 * 1000);
  }
  return 0;
}

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("simmer-proc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

}  // namespace

TEST_CASE("process: a group member that ignores SIGTERM is gone, not dying, when run_process returns") {
  // SIGKILL is asynchronous: a sweep that returns right after sending it leaves the member running for a moment,
  // long enough to write one more file. The race is lost most of the time, so the scenario runs many times.
  int left = 0;
  for (int i = 0; i < 20; ++i) {
    ProcessSpec spec = shell("trap '' TERM; sleep 300 >/dev/null 2>&1 & echo $!");
    spec.kill_grace_ms = 50;
    std::string pid;
    auto result = run_process(spec, [&](StreamId, std::string_view line, bool) { pid = line; });
    REQUIRE(result.exit_code == 0);
    left += pid_alive(std::stoi(pid)) ? 1 : 0;
  }
  CHECK(left == 0);
}

TEST_CASE("process: as a subreaper, what left the group (setsid, double fork) is stopped at the end") {
  REQUIRE(simmer::util::become_subreaper());
  const auto setsid_pid = scratch("setsid.pid");
  const auto double_pid = scratch("double.pid");
  // One escapee starts its own session; the other is a grandchild whose parent exits at once (double fork), in a
  // group of its own so that the group sweep cannot reach it either.
  const std::string script = "setsid sh -c 'echo $$ > " + setsid_pid.string() +
                             "; exec sleep 300' >/dev/null 2>&1 &\n"
                             "(setsid sh -c 'trap \"\" TERM; sh -c \"echo \\$\\$ > " +
                             double_pid.string() +
                             "; exec sleep 300\" &' >/dev/null 2>&1 &)\n"
                             "for i in $(seq 1 500); do [ -s " +
                             setsid_pid.string() + " ] && [ -s " + double_pid.string() +
                             " ] && exit 0; sleep 0.01; done; exit 1\n";
  ProcessSpec spec = shell(script);
  spec.kill_grace_ms = 100;
  auto result = run_process(spec, {});
  REQUIRE(result.exit_code == 0);
  int first = pid_from_file(setsid_pid);
  int second = pid_from_file(double_pid);
  REQUIRE(first > 0);
  REQUIRE(second > 0);
  CHECK_FALSE(pid_alive(first));
  CHECK_FALSE(pid_alive(second));
  // Nothing is left for a later call to mistake for an orphan, and a run without escapees stops nothing.
  CHECK(simmer::util::stop_orphans(100).empty());
}

TEST_CASE("process: on_spawn gets the child's pid, group and start time before its output is read") {
  simmer::util::SpawnedProcess seen;
  std::string printed;
  ProcessSpec spec = shell("echo $$");
  spec.on_spawn = [&](const simmer::util::SpawnedProcess& p) {
    seen = p;
    CHECK(printed.empty());
  };
  run_process(spec, [&](StreamId, std::string_view line, bool) { printed = line; });
  CHECK(std::to_string(seen.pid) == printed);
  CHECK(seen.pgid == seen.pid);
  CHECK(seen.start_time > 0);
  CHECK(seen.boot_id == simmer::util::boot_id());
  CHECK_FALSE(seen.boot_id.empty());
}

TEST_CASE("process: surviving_group trusts a journaled group only with its leader's start time and boot") {
  // A group outside run_process (as a killed run leaves it): sh leads it, sleeps, and has a member.
  const auto pid_file = scratch("group.pid");
  std::string cmd = "setsid sh -c 'sleep 300 & echo $$ > " + pid_file.string() + "; wait' >/dev/null 2>&1 &";
  REQUIRE(std::system(cmd.c_str()) == 0);
  int leader = pid_from_file(pid_file);
  REQUIRE(leader > 0);
  simmer::util::SpawnedProcess journaled{leader, leader, simmer::util::process_start_time(leader).value_or(0),
                                         simmer::util::boot_id()};
  REQUIRE(journaled.start_time > 0);
  auto members = simmer::util::surviving_group(journaled);
  CHECK(members.size() == 2);

  simmer::util::SpawnedProcess reused = journaled;
  reused.start_time -= 1;  // the pid now belongs to a process that started at another time
  CHECK(simmer::util::surviving_group(reused).empty());
  simmer::util::SpawnedProcess rebooted = journaled;
  rebooted.boot_id = "another-boot";
  CHECK(simmer::util::surviving_group(rebooted).empty());

  CHECK(simmer::util::stop_processes(members, 200) == false);  // sh and sleep die of SIGTERM
  for (int pid : members) {
    CHECK_FALSE(pid_alive(pid));
  }
  CHECK(simmer::util::surviving_group(journaled).empty());
}

TEST_CASE("process: processes_with_env finds a process by a variable it inherited, wherever it went") {
  const auto pid_file = scratch("env.pid");
  const std::string marker = "simmer-test-" + std::to_string(::getpid());
  std::string cmd = "SIMMER_TEST_MARKER=" + marker + " setsid sh -c 'trap \"\" TERM; echo $$ > " + pid_file.string() +
                    "; exec sleep 300' >/dev/null 2>&1 &";
  REQUIRE(std::system(cmd.c_str()) == 0);
  int pid = pid_from_file(pid_file);
  REQUIRE(pid > 0);
  CHECK(simmer::util::processes_with_env("SIMMER_TEST_MARKER", marker) == std::vector<int>{pid});
  CHECK(simmer::util::processes_with_env("SIMMER_TEST_MARKER", marker + "-other").empty());
  CHECK(simmer::util::stop_processes({pid}, 100));  // it ignores SIGTERM: SIGKILL was needed
  CHECK_FALSE(pid_alive(pid));
}

TEST_CASE("process: self_exe names this test binary by its absolute path") {
  const std::filesystem::path exe = simmer::util::self_exe();
  CHECK(exe.is_absolute());
  CHECK(exe.filename() == "unit_tests");
  CHECK(std::filesystem::is_regular_file(exe));
}
