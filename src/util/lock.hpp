#pragma once
// The project lock, `.simmer/lock` (DESIGN.md rule 5): one simmer run per project. flock(LOCK_EX|LOCK_NB) held
// for the life of a ProjectLock; the kernel drops it when the holder dies, so a lock file with holder info but
// no flock is stale by definition and is taken over. The JSON inside ({pid, host, command, since}) is for
// diagnostics only. The file is never deleted; a clean release empties it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace simmer::util {

// Who holds (or held) a lock, as written into the lock file.
struct LockHolder {
  std::int64_t pid = 0;
  std::string host;     // gethostname() of the holder
  std::string command;  // what it runs, e.g. "cook"
  std::string since;    // when it took the lock, ISO 8601 UTC to the second ("2026-11-22T10:00:00Z")
};

enum class LockState {
  free,   // no process holds the lock, and the last holder released it cleanly (or there is no lock file)
  held,   // a live process holds the flock
  stale,  // nobody holds the flock, but the file still names a holder: it died without releasing
};

// What inspect() found. `holder` is set when the file holds readable holder info.
struct LockInfo {
  LockState state = LockState::free;
  std::optional<LockHolder> holder;
};

// A held project lock. Not copyable; movable. Destruction empties the file and closes it (releasing the flock).
class ProjectLock {
public:
  // Takes the lock at `path` for `command` (e.g. "cook"), creating the file when missing (its directory must
  // exist). When another process holds it: Failure(lock_held, "project is locked (<name>): simmer <command> is
  // running as pid <pid> since <since>") — with " on <host>" after the pid when the holder's host is not ours,
  // and "another simmer process holds it" when its info is unreadable. A stale lock is taken over, and
  // takeover_note() says so. A lock file that cannot be opened is Failure(failure, "cannot open the lock file
  // (<name>): <strerror>"). Failing to write or sync the holder info throws simmer::Error(unsafe_storage).
  // `display` names the file in messages (default: `path` as given).
  static Result<ProjectLock> acquire(const std::filesystem::path& path, std::string command,
                                     std::string_view display = {});

  // What state the lock at `path` is in, for `status` and `doctor`. Never creates the file, never takes the
  // lock away from a live holder (it probes with a shared flock it drops at once). A missing file is `free`.
  static LockInfo inspect(const std::filesystem::path& path);

  ProjectLock(ProjectLock&& other) noexcept;
  ProjectLock& operator=(ProjectLock&&) = delete;
  ProjectLock(const ProjectLock&) = delete;
  ProjectLock& operator=(const ProjectLock&) = delete;
  ~ProjectLock();

  // Non-empty when acquire() took over a stale lock: "took over the lock of pid <pid> (started <since>, no
  // longer running)", or "took over a stale lock whose holder is unknown" when its info was unreadable.
  const std::string& takeover_note() const { return m_takeover_note; }

  // The info this process wrote into the lock file.
  const LockHolder& holder() const { return m_holder; }

  const std::filesystem::path& path() const { return m_path; }

  // Whether the lock's path still names the file this lock holds (the same inode, not a symlink). False after an
  // untrusted process removed or replaced it: another simmer would then find no lock and start a second run.
  bool at_path() const;

  // After at_path() said false: creates a new lock file at the path (a symlink or file in its place is removed,
  // never followed), flocks it and writes this holder's info, then drops the old file. A process that took the
  // new file's flock first is Failure(lock_held) as in acquire(); write failures throw
  // simmer::Error(unsafe_storage).
  Result<bool> restore_at_path();

private:
  ProjectLock(std::filesystem::path path, int fd, LockHolder holder, std::string takeover_note);

  std::filesystem::path m_path;
  int m_fd = -1;
  LockHolder m_holder;
  std::string m_takeover_note;
};

// Renders a state for messages and `--json`: "free", "held", "stale".
std::string_view to_string(LockState state);

}  // namespace simmer::util
