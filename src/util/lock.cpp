#include "util/lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "util/fs.hpp"
#include "util/time.hpp"

namespace simmer::util {

namespace fs = std::filesystem;

namespace {

// How often acquire() looks again when the flock is taken but the file names no live holder: the holder may be
// between flock() and writing its info, or an inspect() may hold its brief shared probe.
constexpr int k_acquire_attempts = 10;
constexpr auto k_acquire_pause = std::chrono::milliseconds(20);

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) {
    return "";
  }
  return buf;
}

// The lock file's text, read from its start whatever the descriptor's offset. A read error ends the text where it
// happened; a text cut short parses as no holder.
std::string holder_text(int fd) {
  std::string out;
  read_all(
      fd, [&](std::string_view chunk) { out.append(chunk); }, 0);
  return out;
}

std::optional<LockHolder> parse_holder(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return std::nullopt;
  }
  auto pid = j.find("pid");
  if (pid == j.end() || !pid->is_number_integer() || pid->get<std::int64_t>() <= 0) {
    return std::nullopt;
  }
  LockHolder h;
  h.pid = pid->get<std::int64_t>();
  auto text_of = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  h.host = text_of("host");
  h.command = text_of("command");
  h.since = text_of("since");
  return h;
}

// Replaces the content of the flocked `fd` with `me`, synced. Closes `fd` and throws
// simmer::Error(unsafe_storage) on failure.
void write_holder(int fd, const LockHolder& me, const std::string& name) {
  nlohmann::json info = {{"command", me.command}, {"host", me.host}, {"pid", me.pid}, {"since", me.since}};
  std::string text = info.dump(2) + "\n";
  auto fail = [&](int err) {
    ::close(fd);
    throw Error(ExitCode::unsafe_storage, "cannot write the lock file (" + name + "): " + errno_text(err));
  };
  if (::ftruncate(fd, 0) != 0) {
    fail(errno);
  }
  if (const IoResult written = write_all(fd, text, 0); written.error != 0) {
    fail(written.error);
  }
  if (int err = sync_fd(fd, SyncKind::all); err != 0) {
    fail(err);
  }
}

bool running_here(const LockHolder& h) {
  if (h.host != this_host()) {
    return false;
  }
  return ::kill(static_cast<pid_t>(h.pid), 0) == 0 || errno == EPERM;
}

std::string held_message(const std::string& name, const std::optional<LockHolder>& h) {
  std::string msg = "project is locked (" + name + "): ";
  if (!h) {
    return msg + "another simmer process holds it";
  }
  msg += "simmer " + (h->command.empty() ? std::string("(unknown command)") : h->command) + " is running as pid " +
         std::to_string(h->pid);
  if (!h->host.empty() && h->host != this_host()) {
    msg += " on " + h->host;
  }
  if (!h->since.empty()) {
    msg += " since " + h->since;
  }
  return msg;
}

}  // namespace

std::string_view to_string(LockState state) {
  switch (state) {
    case LockState::free:
      return "free";
    case LockState::held:
      return "held";
    case LockState::stale:
      return "stale";
  }
  return "free";
}

Result<ProjectLock> ProjectLock::acquire(const fs::path& path, std::string command, std::string_view display) {
  std::string name = display.empty() ? path.string() : std::string(display);
  bool created = false;
  // O_NOFOLLOW: a symlink planted at the lock's path must not make simmer write into another file.
  int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    created = fd >= 0;
  }
  if (fd < 0) {
    // A lock that cannot be written (read-only folder, full disk) is a storage problem, not a wrong input.
    return Failure{"cannot open the lock file (" + name +
                       "): " + (errno == ELOOP ? std::string("it is a symbolic link") : errno_text(errno)),
                   ExitCode::unsafe_storage};
  }
  for (int attempt = 1;; ++attempt) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      break;
    }
    int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err != EWOULDBLOCK) {
      ::close(fd);
      return Failure{"cannot lock the lock file (" + name + "): " + errno_text(err), ExitCode::unsafe_storage};
    }
    auto holder = parse_holder(holder_text(fd));
    if ((holder && running_here(*holder)) || (holder && holder->host != this_host()) || attempt >= k_acquire_attempts) {
      ::close(fd);
      return Failure{held_message(name, holder), ExitCode::lock_held};
    }
    std::this_thread::sleep_for(k_acquire_pause);
  }

  // We hold the flock: whatever the file says was written by a holder that is gone without releasing.
  std::string previous = holder_text(fd);
  std::string note;
  if (!previous.empty()) {
    auto old = parse_holder(previous);
    if (old) {
      note = "took over the lock of pid " + std::to_string(old->pid) + " (started " +
             (old->since.empty() ? std::string("at an unknown time") : old->since) + ", no longer running)";
    } else {
      note = "took over a stale lock whose holder is unknown";
    }
  }

  LockHolder me;
  me.pid = ::getpid();
  me.host = this_host();
  me.command = std::move(command);
  me.since = iso8601_utc_s(now_unix_ms());
  write_holder(fd, me, name);
  if (created) {
    fs::path dir = path.parent_path();
    try {
      fsync_dir(dir.empty() ? fs::path(".") : dir);
    } catch (...) {
      ::close(fd);
      throw;
    }
  }
  crash_point("lock-after-acquire");
  return ProjectLock(path, fd, std::move(me), std::move(note));
}

LockInfo ProjectLock::inspect(const fs::path& path) {
  LockInfo info;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return info;
  }
  std::string text = holder_text(fd);
  info.holder = parse_holder(text);
  int rc = -1;
  do {
    rc = ::flock(fd, LOCK_SH | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) {
    // Drop the probe at once: an acquire() that meets it retries, but should not have to for long.
    ::flock(fd, LOCK_UN);
    info.state = text.empty() ? LockState::free : LockState::stale;
  } else {
    info.state = LockState::held;
    // The holder may have written its info between our read and the probe.
    if (!info.holder) {
      info.holder = parse_holder(holder_text(fd));
    }
  }
  ::close(fd);
  return info;
}

ProjectLock::ProjectLock(fs::path path, int fd, LockHolder holder, std::string takeover_note)
    : m_path(std::move(path)), m_fd(fd), m_holder(std::move(holder)), m_takeover_note(std::move(takeover_note)) {}

ProjectLock::ProjectLock(ProjectLock&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_fd(other.m_fd),
      m_holder(std::move(other.m_holder)),
      m_takeover_note(std::move(other.m_takeover_note)) {
  other.m_fd = -1;
}

bool ProjectLock::at_path() const {
  struct stat held {
  }, now{};
  return m_fd >= 0 && ::fstat(m_fd, &held) == 0 && ::lstat(m_path.c_str(), &now) == 0 && S_ISREG(now.st_mode) &&
         held.st_dev == now.st_dev && held.st_ino == now.st_ino;
}

Result<bool> ProjectLock::restore_at_path() {
  std::string name = m_path.string();
  struct stat st {};
  if (::lstat(m_path.c_str(), &st) == 0 && ::unlink(m_path.c_str()) != 0) {
    throw Error(ExitCode::unsafe_storage,
                "cannot remove what replaced the lock file (" + name + "): " + errno_text(errno));
  }
  int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error(ExitCode::unsafe_storage, "cannot restore the lock file (" + name + "): " + errno_text(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto holder = parse_holder(holder_text(fd));
    ::close(fd);
    return Failure{held_message(name, holder), ExitCode::lock_held};
  }
  write_holder(fd, m_holder, name);
  fs::path dir = m_path.parent_path();
  fsync_dir(dir.empty() ? fs::path(".") : dir);
  ::close(m_fd);
  m_fd = fd;
  return true;
}

ProjectLock::~ProjectLock() {
  if (m_fd >= 0) {
    // An empty file tells the next run that this one ended cleanly, so it reports no takeover. Best effort: the
    // flock, not the content, is what excludes other runs.
    [[maybe_unused]] int rc = ::ftruncate(m_fd, 0);
    ::close(m_fd);
  }
}

}  // namespace simmer::util
