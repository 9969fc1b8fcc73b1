#include "util/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace simmer::util {

namespace fs = std::filesystem;

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r may return a static string instead of filling buf; use whichever it returns.
  const char* text = strerror_r(err, buf, sizeof buf);
  return text;
}

namespace {

// `call` (a read or write returning ssize_t), made again for as long as a signal interrupts it.
template <class Call>
ssize_t without_eintr(const Call& call) {
  ssize_t n = -1;
  do {
    n = call();
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace

IoResult read_all(int fd, const std::function<void(std::string_view)>& chunk, std::optional<std::int64_t> at) {
  IoResult result;
  char buf[65536];
  for (;;) {
    const ssize_t n = without_eintr([&] {
      return at ? ::pread(fd, buf, sizeof buf, static_cast<off_t>(*at) + static_cast<off_t>(result.bytes))
                : ::read(fd, buf, sizeof buf);
    });
    if (n <= 0) {
      result.error = n < 0 ? errno : 0;
      return result;
    }
    result.bytes += static_cast<std::size_t>(n);
    chunk(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

IoResult write_all(int fd, std::string_view data, std::optional<std::int64_t> at) {
  IoResult result;
  while (result.bytes < data.size()) {
    const char* from = data.data() + result.bytes;
    const std::size_t left = data.size() - result.bytes;
    const ssize_t n = without_eintr([&] {
      return at ? ::pwrite(fd, from, left, static_cast<off_t>(*at) + static_cast<off_t>(result.bytes))
                : ::write(fd, from, left);
    });
    if (n <= 0) {
      // POSIX leaves a write that takes no byte of a non-empty buffer unexplained; retrying it could loop forever.
      result.error = n < 0 ? errno : EIO;
      return result;
    }
    result.bytes += static_cast<std::size_t>(n);
  }
  return result;
}

namespace {

// Reads `fd` to its end and closes it; `path` names it in messages.
Result<std::string> read_fd(int fd, const fs::path& path) {
  std::string out;
  const IoResult read = read_all(fd, [&](std::string_view chunk) { out.append(chunk); });
  ::close(fd);
  if (read.error != 0) {
    return Failure{"cannot read " + path.string() + ": " + errno_text(read.error), ExitCode::invalid_input};
  }
  return out;
}

}  // namespace

Result<std::string> read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Failure{"cannot read " + path.string() + ": " + errno_text(errno), ExitCode::invalid_input};
  }
  return read_fd(fd, path);
}

std::optional<std::string> read_if_readable(const fs::path& path) {
  auto text = read_file(path);
  return text.ok() ? std::optional<std::string>(std::move(*text)) : std::nullopt;
}

int write_new_file(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::remove_all(path, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return errno;
  }
  int err = write_all(fd, content).error;
  if (::close(fd) != 0 && err == 0) {
    err = errno;
  }
  return err;
}

Result<std::string> read_regular_file(const fs::path& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; the fstat below refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) {
      return Failure{path.string() + " is a symbolic link, not a file", ExitCode::invalid_input};
    }
    return Failure{"cannot read " + path.string() + ": " + errno_text(err), ExitCode::invalid_input};
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Failure{path.string() + " is not a regular file", ExitCode::invalid_input};
  }
  // A regular file never blocks, but clear O_NONBLOCK anyway so that read() keeps its usual meaning.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return read_fd(fd, path);
}

bool exists(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

int sync_fd(int fd, SyncKind kind) {
  if (fault_injected("fsync-eio")) {
    return EIO;
  }
  for (;;) {
    int rc = kind == SyncKind::all ? ::fsync(fd) : ::fdatasync(fd);
    if (rc == 0) {
      return 0;
    }
    if (errno != EINTR) {
      return errno;
    }
  }
}

void fsync_dir(const fs::path& dir) {
  fs::path target = dir.empty() ? fs::path(".") : dir;
  int fd = ::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ExitCode::unsafe_storage, "cannot sync directory (" + target.string() + "): " + errno_text(errno));
  }
  int err = sync_fd(fd, SyncKind::all);
  ::close(fd);
  if (err != 0) {
    throw Error(ExitCode::unsafe_storage, "cannot sync directory (" + target.string() + "): " + errno_text(err));
  }
}

void ensure_dir(const fs::path& path) {
  if (path.empty()) {
    return;
  }
  // Walk down from the first missing ancestor so each new directory's parent can be synced once it exists.
  std::vector<fs::path> missing;
  for (fs::path cur = path; !cur.empty(); cur = cur.parent_path()) {
    struct stat st {};
    if (::stat(cur.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        throw Error(ExitCode::unsafe_storage,
                    "cannot create directory (" + path.string() + "): " + cur.string() + " is not a directory");
      }
      break;
    }
    missing.push_back(cur);
    if (cur == cur.parent_path()) {
      break;
    }
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) {
      throw Error(ExitCode::unsafe_storage, "cannot create directory (" + it->string() + "): " + errno_text(errno));
    }
    fsync_dir(it->parent_path());
  }
}

namespace {

// The pid of a `<name>.tmp.<pid>` file name, or 0 when the name does not have that shape.
pid_t temp_pid(std::string_view name) {
  auto pos = name.rfind(".tmp.");
  if (pos == std::string_view::npos || pos == 0) {
    return 0;
  }
  std::string_view digits = name.substr(pos + 5);
  if (digits.empty()) {
    return 0;
  }
  long long pid = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc{} || end != digits.data() + digits.size() || pid <= 0 || pid > 0x7fffffff) {
    return 0;
  }
  return static_cast<pid_t>(pid);
}

bool process_running(pid_t pid) {
  // EPERM means it exists but belongs to someone else: still running.
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

std::size_t sweep_stale_temps(const fs::path& dir) {
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (d == nullptr) {
    return 0;
  }
  std::vector<std::string> doomed;
  pid_t self = ::getpid();
  while (dirent* e = ::readdir(d)) {
    pid_t pid = temp_pid(e->d_name);
    if (pid == 0) {
      continue;
    }
    if (e->d_type != DT_REG) {
      struct stat st {};
      if (e->d_type != DT_UNKNOWN || ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG(st.st_mode)) {
        continue;
      }
    }
    if (pid != self && process_running(pid)) {
      continue;
    }
    doomed.emplace_back(e->d_name);
  }
  ::closedir(d);
  for (const auto& name : doomed) {
    fs::path p = dir / name;
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
      throw Error(ExitCode::unsafe_storage,
                  "cannot remove a stale temp file (" + p.string() + "): " + errno_text(errno));
    }
  }
  if (!doomed.empty()) {
    fsync_dir(dir);
  }
  return doomed.size();
}

namespace {

std::mutex g_fault_mutex;
std::map<std::string, long, std::less<>> g_fault_hits;
// The SIMMER_FAULT value the counts belong to: a new value (a test that sets it, a forked child) starts afresh.
std::string g_fault_spec;

// Whether SIMMER_FAULT lists `point` for this, its n-th, arrival (counted here, once per call).
bool fault_listed(std::string_view point) {
  const char* env = std::getenv("SIMMER_FAULT");
  if (env == nullptr || *env == '\0') {
    return false;
  }
  long hit = 0;
  {
    std::lock_guard<std::mutex> guard(g_fault_mutex);
    if (g_fault_spec != env) {
      g_fault_spec = env;
      g_fault_hits.clear();
    }
    auto it = g_fault_hits.find(point);
    if (it == g_fault_hits.end()) {
      it = g_fault_hits.emplace(std::string(point), 0).first;
    }
    hit = ++it->second;
  }
  std::string_view spec(env);
  while (!spec.empty()) {
    auto comma = spec.find(',');
    std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    auto colon = entry.find(':');
    std::string_view name = entry.substr(0, colon);
    if (name != point) {
      continue;
    }
    if (colon == std::string_view::npos) {
      return true;
    }
    std::string_view count = entry.substr(colon + 1);
    long n = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec == std::errc{} && end == count.data() + count.size() && n == hit) {
      return true;
    }
  }
  return false;
}

}  // namespace

void crash_point(std::string_view point) {
  if (fault_listed(point)) {
    // _exit, not exit: a crash runs no destructors and flushes nothing, which is what the tests simulate.
    ::_exit(99);
  }
}

bool fault_injected(std::string_view point) { return fault_listed(point); }

}  // namespace simmer::util
