// Implementation notes
// - The child is started with posix_spawn in a new process group (POSIX_SPAWN_SETPGROUP, pgid = its pid), with
//   default dispositions for the signals a parent commonly ignores or blocks, so that killing -pgid reaches it and
//   every descendant that did not leave the group.
// - The leader's exit is observed with waitid(WNOWAIT): it stays a zombie, so its pid (= the pgid) cannot be
//   reused while we still signal the group. It is reaped only after the group has been dealt with.
// - Output is read with poll() from two non-blocking pipes. Each stream keeps at most one partial line of
//   max_line_bytes; the excess is counted, never stored, so memory is bounded whatever the child prints.
// - The leader's exit also wakes the poll loop through a pidfd (Linux 5.3+), so a short-lived child such as
//   `git commit` costs no polling slice after its pipes close; without pidfd_open the loop falls back to slices.
// - The stdin payload is written non-blocking from the same poll loop; SIGPIPE from a child that closed its stdin
//   early is blocked for this thread and consumed, so it never kills simmer.
// - Signals are asynchronous: a member that got SIGKILL may still run for a moment. The final sweep therefore
//   waits until no member of the group runs any more before it returns, so "the call returned" means "nothing of
//   the group is left", which is what callers (and the next session writing the same hand-off file) rely on.
// - Every child run_process() starts is kept in a registry until it is reaped. stop_orphans() treats any other
//   child of this process as an orphan some session abandoned (re-parented to us because we are a subreaper) and
//   stops it; the registry is locked across posix_spawn so that a child being started is never mistaken for one.

#include "util/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fs.hpp"

extern char** environ;

namespace simmer::util {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int k_poll_slice_ms = 50;
// How long the final sweep waits for SIGKILLed members to be gone: a process in uninterruptible sleep (a hung NFS
// read) cannot die before the kernel lets it; past this, the call returns rather than hang the run.
constexpr int k_reap_wait_ms = 10000;

// The children run_process() started and has not reaped yet (see the implementation notes).
std::mutex g_children_mutex;
std::set<int> g_children;

// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields are read after the last ')'.
// Returns the fields after comm (state first), or an empty vector when there is no such process.
std::vector<std::string> stat_fields(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return {};
  }
  auto close = line.rfind(')');
  if (close == std::string::npos) {
    return {};
  }
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  std::string field;
  while (rest >> field) {
    fields.push_back(field);
  }
  return fields;
}

bool is_running_state(const std::vector<std::string>& fields) {
  return !fields.empty() && fields[0] != "Z" && fields[0] != "X";
}

// Pids of the live processes in /proc, in no particular order.
std::vector<int> all_pids() {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return pids;
  }
  while (const dirent* entry = ::readdir(proc)) {
    const char* name = entry->d_name;
    if (*name < '0' || *name > '9') {
      continue;
    }
    char* end = nullptr;
    long value = std::strtol(name, &end, 10);
    if (*end == '\0' && value > 0) {
      pids.push_back(static_cast<int>(value));
    }
  }
  ::closedir(proc);
  return pids;
}

// Children of this process, from /proc/self/task/<tid>/children (one file per thread: a child's parent is the
// thread that started it, an orphan's the thread the kernel picked in the subreaper).
std::vector<int> own_children() {
  std::vector<int> kids;
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) {
    return kids;
  }
  while (const dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') {
      continue;
    }
    std::ifstream in(std::string("/proc/self/task/") + entry->d_name + "/children");
    int pid = 0;
    while (in >> pid) {
      kids.push_back(pid);
    }
  }
  ::closedir(tasks);
  return kids;
}

// Waits until none of `pids` runs (gone or a zombie), up to `ms`. Returns whether they all stopped.
bool wait_stopped(const std::vector<int>& pids, int ms) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    bool any = false;
    for (int pid : pids) {
      any = any || process_alive(pid);
    }
    if (!any) {
      return true;
    }
    if (SteadyClock::now() >= deadline) {
      return false;
    }
    ::usleep(10 * 1000);
  }
}

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = fd;
  }

private:
  int m_fd = -1;
};

// Keeps the last `cap` bytes of what is appended, with amortized O(1) trimming.
void append_tail(std::string& tail, std::string_view data, std::size_t cap) {
  if (cap == 0) {
    return;
  }
  if (data.size() >= cap) {
    tail.assign(data.substr(data.size() - cap));
    return;
  }
  tail.append(data);
  if (tail.size() > 2 * cap) {
    tail.erase(0, tail.size() - cap);
  }
}

void finish_tail(std::string& tail, std::size_t cap) {
  if (tail.size() > cap) {
    tail.erase(0, tail.size() - cap);
  }
}

// Splits one stream into lines, holding at most max_line bytes of the current line.
class LineSplitter {
public:
  LineSplitter(StreamId id, std::size_t max_line) : m_id(id), m_max(max_line) {}

  void feed(std::string_view data, const LineCallback& on_line, ProcessResult& result) {
    while (!data.empty()) {
      auto newline = data.find('\n');
      std::string_view piece = data.substr(0, newline);
      take(piece, result);
      if (newline == std::string_view::npos) {
        return;
      }
      emit(on_line);
      data.remove_prefix(newline + 1);
    }
  }

  void flush(const LineCallback& on_line) {
    if (!m_line.empty() || m_truncated) {
      emit(on_line);
    }
  }

private:
  void take(std::string_view piece, ProcessResult& result) {
    std::size_t room = m_line.size() < m_max ? m_max - m_line.size() : 0;
    if (piece.size() <= room) {
      m_line.append(piece);
      return;
    }
    m_line.append(piece.substr(0, room));
    result.dropped_bytes += piece.size() - room;
    if (!m_truncated) {
      m_truncated = true;
      ++result.truncated_lines;
    }
  }

  void emit(const LineCallback& on_line) {
    if (on_line) {
      on_line(m_id, m_line, m_truncated);
    }
    // The buffer keeps its capacity: it never exceeds max_line bytes, and reusing it spares an allocation per
    // long line (a stream of 1 MB lines would otherwise reallocate its way up to 1 MB for every line).
    m_line.clear();
    m_truncated = false;
  }

  StreamId m_id;
  std::size_t m_max;
  std::string m_line;
  bool m_truncated = false;
};

std::string find_in_path(const std::string& program, const std::string& path_value) {
  if (program.find('/') != std::string::npos) {
    return program;
  }
  std::size_t start = 0;
  while (start <= path_value.size()) {
    auto colon = path_value.find(':', start);
    std::string dir = path_value.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) {
      dir = ".";
    }
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        return candidate;
      }
    }
    if (colon == std::string::npos) {
      break;
    }
    start = colon + 1;
  }
  return {};
}

std::vector<std::string> build_environment(const ProcessSpec& spec, std::string& path_value) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    merged[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& name : spec.unset_env) {
    merged.erase(name);
  }
  for (const auto& [name, value] : spec.env) {
    merged[name] = value;
  }
  auto path = merged.find("PATH");
  path_value = path != merged.end() ? path->second : "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [name, value] : merged) {
    out.push_back(name + "=" + value);
  }
  return out;
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int ms_until(SteadyClock::time_point deadline, SteadyClock::time_point now) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Writes as much of `data` from `offset` as the pipe takes now. Returns false when the reader is gone.
bool write_some(int fd, const std::string& data, std::size_t& offset) {
  sigset_t block;
  sigset_t old;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  bool alive = true;
  const IoResult written = write_all(fd, std::string_view(data).substr(offset));
  offset += written.bytes;
  if (written.error == EPIPE) {
    // Consume the SIGPIPE this write raised so it does not fire when the mask is restored.
    struct timespec zero {};
    sigtimedwait(&block, nullptr, &zero);
    alive = false;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return alive;
}

}  // namespace

std::vector<int> group_members(int pgid, int except_pid) {
  std::vector<int> members;
  if (pgid <= 0) {
    return members;
  }
  // This runs after every child (git, agents, gates), so it stays cheap: getpgid() asks the kernel for each pid's
  // group without having it format /proc/<pid>/stat, which is read only for the few pids in the group, to leave
  // out zombies.
  for (int pid : all_pids()) {
    if (pid == except_pid || ::getpgid(pid) != pgid) {
      continue;  // another group, or it exited while we looked
    }
    auto fields = stat_fields(pid);
    if (fields.size() > 2 && fields[2] == std::to_string(pgid) && is_running_state(fields)) {
      members.push_back(pid);
    }
  }
  return members;
}

bool process_group_alive(int pgid) { return !group_members(pgid, 0).empty(); }

bool process_alive(int pid) { return pid > 0 && is_running_state(stat_fields(pid)); }

bool is_descendant(int pid, int ancestor) {
  // A chain of parents ends at pid 1 (or 0 for the kernel's own); the bound guards against a /proc that changes
  // while it is read.
  for (int step = 0; pid > 0 && step < 4096; ++step) {
    if (pid == ancestor) {
      return true;
    }
    auto fields = stat_fields(pid);
    if (fields.size() < 2) {
      return false;
    }
    const int parent = std::atoi(fields[1].c_str());
    if (parent == pid) {
      return false;
    }
    pid = parent;
  }
  return false;
}

bool has_env(int pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string prefix = name + "=";
  std::string entry;
  while (std::getline(in, entry, '\0')) {
    if (entry.rfind(prefix, 0) == 0) {
      return true;
    }
  }
  return false;
}

std::optional<std::uint64_t> process_start_time(int pid) {
  auto fields = stat_fields(pid);
  // starttime is field 22 of stat; fields[0] is field 3 (state).
  if (fields.size() < 20) {
    return std::nullopt;
  }
  return std::strtoull(fields[19].c_str(), nullptr, 10);
}

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::filesystem::path self_exe() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("simmer") : path;
}

bool become_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

std::vector<int> stop_orphans(int grace_ms) {
  std::vector<int> stopped;
  int is_subreaper = 0;
  if (::prctl(PR_GET_CHILD_SUBREAPER, &is_subreaper, 0, 0, 0) != 0 || is_subreaper == 0) {
    return stopped;
  }
  // Each round stops the orphans there are now; their deaths re-parent their own children to us, which the next
  // round finds. A fork bomb could keep this going: the rounds are bounded.
  for (int round = 0; round < 64; ++round) {
    std::vector<int> orphans;
    {
      std::lock_guard<std::mutex> lock(g_children_mutex);
      for (int pid : own_children()) {
        if (g_children.count(pid) == 0) {
          orphans.push_back(pid);
        }
      }
    }
    if (orphans.empty()) {
      break;
    }
    std::vector<int> running;
    for (int pid : orphans) {
      if (!process_alive(pid)) {
        ::waitpid(pid, nullptr, WNOHANG);  // an orphan that already died: only its zombie is left to reap
        continue;
      }
      running.push_back(pid);
      stopped.push_back(pid);
      ::kill(pid, SIGTERM);
      if (::getpgid(pid) == pid) {
        ::kill(-pid, SIGTERM);  // it left our group with setsid/setpgid: its own group goes with it
      }
    }
    if (!wait_stopped(running, grace_ms)) {
      for (int pid : running) {
        ::kill(pid, SIGKILL);
        if (::getpgid(pid) == pid) {
          ::kill(-pid, SIGKILL);
        }
      }
    }
    for (int pid : running) {
      // Ours to reap: blocking is safe, it has been sent SIGKILL or has already stopped.
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }
  return stopped;
}

std::vector<int> processes_with_env(const std::string& name, const std::string& value) {
  std::vector<int> found;
  const std::string needle = name + "=" + value;
  const int self = ::getpid();
  for (int pid : all_pids()) {
    if (pid == self) {
      continue;
    }
    std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::string entry;
    while (std::getline(in, entry, '\0')) {
      if (entry == needle) {
        if (process_alive(pid)) {
          found.push_back(pid);
        }
        break;
      }
    }
  }
  return found;
}

bool stop_processes(const std::vector<int>& pids, int grace_ms) {
  if (pids.empty()) {
    return false;
  }
  for (int pid : pids) {
    ::kill(pid, SIGTERM);
    if (::getpgid(pid) == pid) {
      ::kill(-pid, SIGTERM);
    }
  }
  if (wait_stopped(pids, grace_ms)) {
    return false;
  }
  for (int pid : pids) {
    ::kill(pid, SIGKILL);
    if (::getpgid(pid) == pid) {
      ::kill(-pid, SIGKILL);
    }
  }
  wait_stopped(pids, k_reap_wait_ms);
  return true;
}

std::vector<int> surviving_group(const SpawnedProcess& journaled) {
  if (journaled.pgid <= 0 || journaled.boot_id.empty() || journaled.boot_id != boot_id()) {
    return {};
  }
  std::vector<int> members = group_members(journaled.pgid, 0);
  if (members.empty()) {
    return members;
  }
  if (process_alive(journaled.pgid)) {
    // The leader lives: the group is the journaled one only if the leader is the journaled process.
    if (process_start_time(journaled.pgid) != journaled.start_time) {
      return {};
    }
    return members;
  }
  std::vector<int> kept;
  for (int pid : members) {
    auto started = process_start_time(pid);
    if (started && *started >= journaled.start_time) {
      kept.push_back(pid);
    }
  }
  return kept;
}

ProcessResult run_process(const ProcessSpec& spec, const LineCallback& on_line, const std::atomic<bool>* cancel) {
  if (spec.argv.empty()) {
    throw std::invalid_argument("run_process: empty argv");
  }
  ProcessResult result;
  const auto started = SteadyClock::now();

  std::string path_value;
  std::vector<std::string> env_strings = build_environment(spec, path_value);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);

  std::string program = find_in_path(spec.argv[0], path_value);
  if (program.empty()) {
    result.spawn_error = "cannot start '" + spec.argv[0] + "': not found in PATH";
    return result;
  }
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (auto& s : argv_strings) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  int in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return result;
  }
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);
  Fd in_read;
  Fd in_write;
  if (spec.stdin_payload) {
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
      result.spawn_error = std::string("cannot create a pipe: ") + std::strerror(errno);
      return result;
    }
    in_read.reset(in_pipe[0]);
    in_write.reset(in_pipe[1]);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (spec.stdin_payload) {
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  if (!spec.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  }

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD}) {
    sigaddset(&defaults, sig);
  }
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid = -1;
  int rc = 0;
  {
    std::lock_guard<std::mutex> lock(g_children_mutex);
    rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
    if (rc == 0) {
      g_children.insert(pid);
    }
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    result.spawn_error = "cannot start '" + spec.argv[0] + "': " + std::strerror(rc);
    if (!spec.cwd.empty() && rc == ENOENT && !std::filesystem::is_directory(spec.cwd)) {
      result.spawn_error = "cannot start '" + spec.argv[0] + "' in " + spec.cwd.string() + ": no such directory";
    }
    return result;
  }
  result.spawned = true;
  Fd exit_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (spec.on_spawn) {
    SpawnedProcess spawned;
    spawned.pid = pid;
    spawned.pgid = pid;
    spawned.start_time = process_start_time(pid).value_or(0);
    spawned.boot_id = boot_id();
    try {
      spec.on_spawn(spawned);
    } catch (...) {
      // The caller could not record the child (its journal failed): it must not run unrecorded.
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      std::lock_guard<std::mutex> lock(g_children_mutex);
      g_children.erase(pid);
      throw;
    }
  }
  out_write.reset();
  err_write.reset();
  in_read.reset();
  set_nonblocking(out_read.get());
  set_nonblocking(err_read.get());
  if (in_write.get() >= 0) {
    set_nonblocking(in_write.get());
  }

  LineSplitter out_lines(StreamId::out, spec.max_line_bytes);
  LineSplitter err_lines(StreamId::err, spec.max_line_bytes);
  std::size_t stdin_offset = 0;
  if (spec.stdin_payload && spec.stdin_payload->empty()) {
    in_write.reset();
  }

  bool leader_exited = false;
  bool killing = false;                      // SIGTERM sent to the group
  bool killed_hard = false;                  // SIGKILL sent
  SteadyClock::time_point kill_deadline{};   // when SIGKILL follows
  SteadyClock::time_point drain_deadline{};  // leader gone: stop waiting for pipes held by others
  SteadyClock::time_point last_output = started;
  const SteadyClock::time_point wall_deadline = started + std::chrono::milliseconds(spec.timeout_ms);
  char buffer[65536];

  auto start_kill = [&](SteadyClock::time_point now) {
    if (!killing) {
      killing = true;
      ::kill(-pid, SIGTERM);
      kill_deadline = now + std::chrono::milliseconds(spec.kill_grace_ms);
    }
  };

  while (true) {
    auto now = SteadyClock::now();

    // Why we might have to end the group now: a limit, a cancel, or the leader gone with others still around.
    if (!killing && !leader_exited) {
      if (cancel != nullptr && cancel->load()) {
        result.cancelled = true;
        start_kill(now);
      } else if (spec.timeout_ms > 0 && now >= wall_deadline) {
        result.timed_out = true;
        start_kill(now);
      } else if (spec.idle_timeout_ms > 0 && now - last_output >= std::chrono::milliseconds(spec.idle_timeout_ms)) {
        result.idle_timed_out = true;
        start_kill(now);
      }
    }
    if (killing && !killed_hard && now >= kill_deadline) {
      ::kill(-pid, SIGKILL);
      killed_hard = true;
    }

    if (!leader_exited) {
      siginfo_t info{};
      info.si_pid = 0;
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) {
        leader_exited = true;
        drain_deadline = now + std::chrono::milliseconds(spec.drain_after_exit_ms);
      }
    }

    bool pipes_open = out_read.get() >= 0 || err_read.get() >= 0;
    if (leader_exited && !pipes_open) {
      break;
    }
    if (leader_exited && now >= drain_deadline) {
      // Leftover members keep a pipe open (a backgrounded server, a hung grandchild): end them, keep draining.
      start_kill(now);
      if (killed_hard && now >= kill_deadline + std::chrono::milliseconds(spec.kill_grace_ms)) {
        break;  // a process outside our reach holds the pipe (it left the group); stop waiting for it
      }
    }

    int wait_ms = k_poll_slice_ms;
    if (spec.timeout_ms > 0 && !killing) {
      wait_ms = std::min(wait_ms, ms_until(wall_deadline, now));
    }
    pollfd fds[4];
    nfds_t count = 0;
    int out_index = -1;
    int err_index = -1;
    int in_index = -1;
    if (out_read.get() >= 0) {
      fds[count] = {out_read.get(), POLLIN, 0};
      out_index = static_cast<int>(count++);
    }
    if (err_read.get() >= 0) {
      fds[count] = {err_read.get(), POLLIN, 0};
      err_index = static_cast<int>(count++);
    }
    if (in_write.get() >= 0) {
      fds[count] = {in_write.get(), POLLOUT, 0};
      in_index = static_cast<int>(count++);
    }
    if (!leader_exited && exit_fd.get() >= 0) {
      fds[count] = {exit_fd.get(), POLLIN, 0};
      ++count;  // only wakes the loop: the waitid above reads the exit
    }
    int ready = count > 0 ? ::poll(fds, count, wait_ms) : (::usleep(static_cast<useconds_t>(wait_ms) * 1000), 0);
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready <= 0) {
      continue;
    }

    auto drain = [&](int index, Fd& fd, LineSplitter& lines, StreamId id) {
      if (index < 0 || fds[index].revents == 0) {
        return;
      }
      // Bounded per wakeup so a flood on one stream cannot starve the timeout checks.
      for (int round = 0; round < 16; ++round) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n > 0) {
          std::string_view data(buffer, static_cast<std::size_t>(n));
          last_output = SteadyClock::now();
          (id == StreamId::out ? result.stdout_bytes : result.stderr_bytes) += static_cast<std::uint64_t>(n);
          append_tail(result.output_tail, data, spec.tail_bytes);
          if (id == StreamId::err) {
            append_tail(result.stderr_tail, data, spec.tail_bytes);
          }
          lines.feed(data, on_line, result);
          continue;
        }
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          return;
        }
        lines.flush(on_line);
        fd.reset();
        return;
      }
    };
    drain(out_index, out_read, out_lines, StreamId::out);
    drain(err_index, err_read, err_lines, StreamId::err);
    if (in_index >= 0 && fds[in_index].revents != 0) {
      bool alive = (fds[in_index].revents & (POLLERR | POLLHUP)) == 0 &&
                   write_some(in_write.get(), *spec.stdin_payload, stdin_offset);
      if (!alive || stdin_offset >= spec.stdin_payload->size()) {
        in_write.reset();
      }
    }
  }

  // Whatever the reason we stopped, no member of the group may outlive this call. The leader is still an
  // unreaped zombie here, so the pgid cannot have been reused by an unrelated process.
  if (!group_members(pid, pid).empty()) {
    ::kill(-pid, SIGTERM);
    auto deadline = SteadyClock::now() + std::chrono::milliseconds(spec.kill_grace_ms);
    while (SteadyClock::now() < deadline && !group_members(pid, pid).empty()) {
      ::usleep(20 * 1000);
    }
    if (!group_members(pid, pid).empty()) {
      ::kill(-pid, SIGKILL);
      // SIGKILL is delivered asynchronously: wait until the members are really gone (see the notes).
      auto reap_deadline = SteadyClock::now() + std::chrono::milliseconds(k_reap_wait_ms);
      while (SteadyClock::now() < reap_deadline && !group_members(pid, pid).empty()) {
        ::usleep(5 * 1000);
      }
    }
  }
  out_lines.flush(on_line);
  err_lines.flush(on_line);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard<std::mutex> lock(g_children_mutex);
    g_children.erase(pid);
  }
  // What left the group (setsid, double fork) and was re-parented to us goes too, when we are a subreaper.
  stop_orphans(spec.kill_grace_ms);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  finish_tail(result.output_tail, spec.tail_bytes);
  finish_tail(result.stderr_tail, spec.tail_bytes);
  result.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count();
  return result;
}

ProcessResult run_shell(const std::string& script, const std::filesystem::path& cwd, int timeout_ms,
                        const std::atomic<bool>* cancel) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.cwd = cwd;
  spec.timeout_ms = timeout_ms;
  return run_process(spec, {}, cancel);
}

}  // namespace simmer::util
