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

#include "util/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace simmer::util {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int k_poll_slice_ms = 50;

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

int ms_until(Clock::time_point deadline, Clock::time_point now) {
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
  while (offset < data.size()) {
    ssize_t n = ::write(fd, data.data() + offset, data.size() - offset);
    if (n > 0) {
      offset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EPIPE) {
      // Consume the SIGPIPE this write raised so it does not fire when the mask is restored.
      struct timespec zero {};
      sigtimedwait(&block, nullptr, &zero);
      alive = false;
    }
    break;
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
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return members;
  }
  while (const dirent* entry = ::readdir(proc)) {
    const char* name = entry->d_name;
    if (*name < '0' || *name > '9') {
      continue;
    }
    char* end = nullptr;
    long value = std::strtol(name, &end, 10);
    if (*end != '\0' || value <= 0) {
      continue;
    }
    int pid = static_cast<int>(value);
    if (pid == except_pid || ::getpgid(pid) != pgid) {
      continue;  // another group, or it exited while we looked
    }
    std::ifstream stat(std::string("/proc/") + name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) {
      continue;  // it exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    int ppid = 0;
    int pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X') {
      members.push_back(pid);
    }
  }
  ::closedir(proc);
  return members;
}

bool process_group_alive(int pgid) { return !group_members(pgid, 0).empty(); }

ProcessResult run_process(const ProcessSpec& spec, const LineCallback& on_line, const std::atomic<bool>* cancel) {
  if (spec.argv.empty()) {
    throw std::invalid_argument("run_process: empty argv");
  }
  ProcessResult result;
  const auto started = Clock::now();

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
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
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
  bool killing = false;               // SIGTERM sent to the group
  bool killed_hard = false;           // SIGKILL sent
  Clock::time_point kill_deadline{};  // when SIGKILL follows
  Clock::time_point drain_deadline{}; // leader gone: stop waiting for pipes held by others
  Clock::time_point last_output = started;
  const Clock::time_point wall_deadline = started + std::chrono::milliseconds(spec.timeout_ms);
  char buffer[65536];

  auto start_kill = [&](Clock::time_point now) {
    if (!killing) {
      killing = true;
      ::kill(-pid, SIGTERM);
      kill_deadline = now + std::chrono::milliseconds(spec.kill_grace_ms);
    }
  };

  while (true) {
    auto now = Clock::now();

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
          last_output = Clock::now();
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
    auto deadline = Clock::now() + std::chrono::milliseconds(spec.kill_grace_ms);
    while (Clock::now() < deadline && !group_members(pid, pid).empty()) {
      ::usleep(20 * 1000);
    }
    ::kill(-pid, SIGKILL);
  }
  out_lines.flush(on_line);
  err_lines.flush(on_line);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  finish_tail(result.output_tail, spec.tail_bytes);
  finish_tail(result.stderr_tail, spec.tail_bytes);
  result.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
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
