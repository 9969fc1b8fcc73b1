#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"

namespace simmer::util {

namespace fs = std::filesystem;

namespace {

DirSyncObserver g_dir_sync_observer = nullptr;

// The rename is durable only once the directory entry is: without this a power cut after commit() may bring the
// old file back (or none, for a new one).
void sync_parent_dir(const fs::path& target) {
  fs::path dir = target.parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  fsync_dir(dir);
  if (g_dir_sync_observer) {
    g_dir_sync_observer(dir);
  }
}

[[noreturn]] void fail(const fs::path& target, const fs::path& file, int err) {
  throw Error(ExitCode::unsafe_storage,
              "cannot write " + target.string() + " (" + file.string() + "): " + errno_text(err));
}

}  // namespace

AtomicFile::AtomicFile(fs::path target, unsigned mode) : m_target(std::move(target)) {
  m_temp = m_target;
  m_temp += ".tmp." + std::to_string(::getpid());
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  m_fd = ::open(m_temp.c_str(), flags, static_cast<mode_t>(mode));
  if (m_fd < 0 && errno == EEXIST) {
    // Only a dead writer that had our pid can have left it (a live one would be us, and one AtomicFile per target
    // at a time is the rule): its content is garbage by definition.
    ::unlink(m_temp.c_str());
    m_fd = ::open(m_temp.c_str(), flags, static_cast<mode_t>(mode));
  }
  if (m_fd < 0) {
    fail(m_target, m_temp, errno);
  }
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)),
      m_temp(std::move(other.m_temp)),
      m_fd(other.m_fd),
      m_committed(other.m_committed) {
  other.m_fd = -1;
  other.m_committed = true;  // the moved-from object owns no temp any more
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_committed && !m_temp.empty()) {
    ::unlink(m_temp.c_str());
  }
}

void AtomicFile::write(std::string_view data) {
  if (m_committed || m_fd < 0) {
    throw Error(ExitCode::failure,
                "cannot write " + m_target.string() + " (" + m_temp.string() + "): the file was already committed");
  }
  if (const IoResult written = write_all(m_fd, data); written.error != 0) {
    fail(m_target, m_temp, written.error);
  }
}

void AtomicFile::commit() {
  if (m_committed || m_fd < 0) {
    throw Error(ExitCode::failure,
                "cannot commit " + m_target.string() + " (" + m_temp.string() + "): the file was already committed");
  }
  crash_point("atomic-after-write");
  // Data must be on disk before the rename makes it visible, or a crash can leave the new name on an empty file.
  if (int err = sync_fd(m_fd, SyncKind::all); err != 0) {
    fail(m_target, m_temp, err);
  }
  int fd = m_fd;
  m_fd = -1;
  // close() can report a deferred write error (NFS); it must be checked, and never retried (the fd is gone).
  if (::close(fd) != 0) {
    fail(m_target, m_temp, errno);
  }
  crash_point("atomic-before-rename");
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    fail(m_target, m_temp, errno);
  }
  m_committed = true;
  crash_point("atomic-after-rename");
  sync_parent_dir(m_target);
}

void set_dir_sync_observer(DirSyncObserver observer) { g_dir_sync_observer = observer; }

void write_file_atomic(const fs::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace simmer::util
