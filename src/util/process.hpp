#pragma once
// Process supervision shared by agent sessions and gates: spawn a child in its own process group, stream its
// output line by line with bounded memory, enforce a wall-clock and an idle timeout, honour a cancel flag, and
// make sure no member of the group survives the call.
//
// Depends on nothing else of the project (src/util/ rule).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::util {

// Who a started child is, in terms that survive simmer itself: journaled before a session does any work, so that
// the next `simmer cook` can tell whether a process it finds is still that child (pid reuse) and stop it.
struct SpawnedProcess {
  int pid = 0;  // the child's pid, which is also its process group id
  int pgid = 0;
  std::uint64_t start_time = 0;  // /proc/<pid>/stat starttime (clock ticks since boot)
  std::string boot_id;           // /proc/sys/kernel/random/boot_id: a start time means nothing after a reboot
};

// Which of the child's output streams a line came from.
enum class StreamId { out, err };

// What to run and how to watch it. Durations are milliseconds; 0 disables that limit.
struct ProcessSpec {
  // argv[0] is looked up in PATH (the PATH of the child's environment, after `env` is applied) unless it
  // contains a slash. Must not be empty.
  std::vector<std::string> argv;
  // Added to (or replacing entries of) the parent's environment. An empty value sets the variable to "".
  std::map<std::string, std::string> env;
  // Variables removed from the inherited environment before `env` is applied.
  std::vector<std::string> unset_env;
  // Working directory of the child; empty: the parent's.
  std::filesystem::path cwd;
  // Written to the child's stdin, which is then closed; nothing: stdin is /dev/null.
  std::optional<std::string> stdin_payload;
  int timeout_ms = 0;        // wall clock from spawn to the end of the child
  int idle_timeout_ms = 0;   // no byte on stdout or stderr for this long
  int kill_grace_ms = 2000;  // SIGTERM to the group, this long, then SIGKILL
  // A line longer than this is cut: the callback gets its first max_line_bytes bytes (truncated = true) and the
  // rest is counted in ProcessResult::dropped_bytes, never buffered.
  std::size_t max_line_bytes = 4 * 1024 * 1024;
  // How much of the end of the combined output ProcessResult::output_tail keeps.
  std::size_t tail_bytes = 64 * 1024;
  // After the child itself exits, how long to keep draining pipes held open by leftover group members before
  // the group is killed.
  int drain_after_exit_ms = 500;
  // Called once, on the caller's thread, right after the child was started and before any of its output is read
  // (the loop journals it there). May be empty.
  std::function<void(const SpawnedProcess&)> on_spawn;
};

// How the child ended and what it printed, bounded.
struct ProcessResult {
  bool spawned = false;         // false: the program could not be started (see spawn_error); nothing ran
  std::string spawn_error;      // e.g. "cannot start 'codex': No such file or directory"
  int exit_code = -1;           // the child's exit status; -1 when it died from a signal or never ran
  int term_signal = 0;          // the signal that ended it, 0 when it exited
  bool timed_out = false;       // the wall-clock limit was hit and the group killed
  bool idle_timed_out = false;  // the idle limit was hit and the group killed
  bool cancelled = false;       // the cancel flag was raised and the group killed
  std::string output_tail;      // the last tail_bytes of stdout and stderr, interleaved as they arrived
  std::string stderr_tail;      // the last tail_bytes of stderr alone (error messages of CLIs land there)
  std::uint64_t stdout_bytes = 0;
  std::uint64_t stderr_bytes = 0;
  std::uint64_t dropped_bytes = 0;  // bytes of over-long lines that were counted but not delivered
  std::uint64_t truncated_lines = 0;
  std::int64_t duration_ms = 0;

  // Exited by itself with status 0, within its limits.
  bool succeeded() const { return spawned && exit_code == 0 && !timed_out && !idle_timed_out && !cancelled; }
};

// Receives every complete line (without its newline; a final unterminated line is delivered too) as it arrives.
// `truncated` is true when the line was longer than ProcessSpec::max_line_bytes. Called on the caller's thread.
using LineCallback = std::function<void(StreamId stream, std::string_view line, bool truncated)>;

// Runs `spec` to the end and returns how it went. The child is the leader of a new process group; when it
// exits, times out, goes idle or is cancelled, every remaining member of that group gets SIGTERM, then SIGKILL
// after kill_grace_ms, and the call returns only once none of them runs any more, so no descendant that stayed
// in the group survives the call. While this process is a child subreaper (become_subreaper()), the call then
// also stops every descendant that left the group (setsid, double fork) and was re-parented to this process
// (stop_orphans()). `cancel` (may be null) is polled about every 50 ms. `on_line` may be empty. Never throws for
// a program that fails to start: that is reported in the result; throws std::invalid_argument for an empty argv.
ProcessResult run_process(const ProcessSpec& spec, const LineCallback& on_line,
                          const std::atomic<bool>* cancel = nullptr);

// Convenience for gates: `sh -c <script>` in `cwd` with the given wall-clock limit (0: none).
ProcessResult run_shell(const std::string& script, const std::filesystem::path& cwd, int timeout_ms,
                        const std::atomic<bool>* cancel = nullptr);

// Live (non-zombie) processes whose process group is `pgid`, except `except_pid` (0: none), read from /proc.
std::vector<int> group_members(int pgid, int except_pid = 0);

// Whether any live process of process group `pgid` remains (tests use it to prove no orphan survived).
bool process_group_alive(int pgid);

// Whether process `pid` exists and is not a zombie.
bool process_alive(int pid);

// Whether `pid` is `ancestor` or one of its descendants, following parent pids in /proc (a process whose parent
// died was re-parented: to a subreaper such as `simmer cook`, or to init). False when `pid` is gone.
bool is_descendant(int pid, int ancestor);

// Whether the environment of `pid` (read from /proc/<pid>/environ: a process of the same user) holds a variable
// `name`, whatever its value. False when it cannot be read.
bool has_env(int pid, const std::string& name);

// /proc/<pid>/stat starttime of `pid` (clock ticks since boot); nothing when there is no such process.
std::optional<std::uint64_t> process_start_time(int pid);

// This boot's id (/proc/sys/kernel/random/boot_id, without its newline); empty when unreadable.
std::string boot_id();

// The path of the running executable (/proc/self/exe), for starting simmer again as a child (the script agent,
// one-off agent sessions). When /proc cannot say, "simmer", which the child's PATH then resolves.
std::filesystem::path self_exe();

// Makes this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphaned descendants are re-parented to
// it instead of to init, so that what a session started and abandoned stays within reach of stop_orphans().
// Returns false when the kernel refused (the descendants that leave the group are then out of reach).
bool become_subreaper();

// Stops every child of this process that run_process() did not start itself (orphans re-parented to a
// subreaper), with its process group when it leads one: SIGTERM, then SIGKILL after `grace_ms`, reaped, and again
// for the grandchildren each one's death re-parents, until none is left. Returns the pids it stopped (zombies it
// only reaped are not counted). A process that is no subreaper has no such children: nothing happens.
std::vector<int> stop_orphans(int grace_ms = 2000);

// Live processes other than this one whose environment holds `name`=`value` (read from /proc/<pid>/environ, so
// only processes of the same user are seen). Used to find what a killed run's agents left behind: every agent
// inherits SIMMER_RUN_ID, and a process that leaves its group or re-parents to init still carries it.
std::vector<int> processes_with_env(const std::string& name, const std::string& value);

// Stops processes that are not children of this one (a killed run's leftovers): SIGTERM to each (and to its
// group when it leads one), SIGKILL after `grace_ms` to those still running, then waits (bounded) until none
// runs. Returns whether SIGKILL was needed.
bool stop_processes(const std::vector<int>& pids, int grace_ms = 2000);

// The live members of the process group a killed run journaled (pgid, and the leader's start time and boot id),
// checked against pid reuse: none after a reboot; when the leader itself is alive, only if its start time is the
// journaled one; when it is gone, the members that started no earlier than it did (a group id cannot be taken by
// a new process while a member of the group lives, so such members are the old group's).
std::vector<int> surviving_group(const SpawnedProcess& journaled);

}  // namespace simmer::util
