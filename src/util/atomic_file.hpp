#pragma once
// Atomic replacement of a whole file (DESIGN.md rule 2): the content goes to `<name>.tmp.<pid>` beside the
// target, is fsynced and closed, renamed over the target, and the directory is fsynced. A reader sees either the
// old file or the new one, never a half file, at any instant of a crash. ccache's AtomicFile shape; unlike
// ninja's file replacement, it syncs.

#include <filesystem>
#include <string>
#include <string_view>

namespace simmer::util {

// One pending replacement of `target`. Not copyable; movable. Every system-call failure (open, write, fsync,
// close, rename, directory fsync) throws simmer::Error(ExitCode::unsafe_storage,
// "cannot write <target> (<the file the call failed on>): <strerror>"; a failed directory sync reads "cannot
// sync directory (<dir>): <strerror>"), never retried: after a failed fsync the kernel may have dropped the data
// (PostgreSQL's lesson).
class AtomicFile {
public:
  // Creates the temp `<target>.tmp.<pid>` with O_CREAT|O_EXCL|O_CLOEXEC and `mode` (before umask). The target's
  // directory must exist (see ensure_dir). A temp left by a dead writer with our pid is replaced.
  explicit AtomicFile(std::filesystem::path target, unsigned mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temp when commit() was not reached or failed: the target keeps its old content (or stays
  // absent). Never throws.
  ~AtomicFile();

  // Appends `data` to the temp (all of it; short writes are continued). Throws after commit().
  void write(std::string_view data);

  // fsync the temp, close it (checked), rename it over the target, fsync the directory. After a successful
  // commit the new content is durable. Calling it twice throws simmer::Error(failure) (a programming error).
  void commit();

  const std::filesystem::path& target() const { return m_target; }
  const std::filesystem::path& temp_path() const { return m_temp; }

private:
  std::filesystem::path m_target;
  std::filesystem::path m_temp;
  int m_fd = -1;
  bool m_committed = false;
};

// Test seam: when set, called with the directory every commit() has just fsynced after its rename (the one step
// whose loss no reader can see until a power cut). Null (the default) calls nothing. Not thread-safe: set it only
// in single-threaded tests.
using DirSyncObserver = void (*)(const std::filesystem::path& dir);
void set_dir_sync_observer(DirSyncObserver observer);

// Replaces `path` with `content` atomically and durably (an AtomicFile written once and committed). Throws as
// AtomicFile does.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace simmer::util
