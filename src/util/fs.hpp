#pragma once
// Small file-system helpers for the durable store: reading a whole file with a message a person can act on,
// reading and writing a descriptor to the end through interrupted and partial system calls, creating directories
// durably, sweeping temp files left by crashed writers, and the fault-injection points the crash tests use.
// Depends on nothing else of the project but util/error.hpp.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace simmer::util {

// strerror(err) as a std::string ("No such file or directory"), thread-safe.
std::string errno_text(int err);

// The whole content of `path`. A missing or unreadable file (or a directory) is a Failure (code invalid_input)
// whose message reads "cannot read <path>: <strerror>". An empty file gives an empty string.
Result<std::string> read_file(const std::filesystem::path& path);

// The content of `path`, or nothing when it is missing or cannot be read (the caller treats both alike: a file
// an agent removed is compared as absent, a prompt variable falls back to its default).
std::optional<std::string> read_if_readable(const std::filesystem::path& path);

// Like read_file, for files an untrusted process may have replaced (hand-offs, the harness's own files): the
// last path component is never followed (O_NOFOLLOW) and only a regular file is read, so a symlink to a file
// outside the project or a FIFO that would block forever is refused, not read. Failures, all invalid_input:
// "cannot read <path>: <strerror>" (missing, unreadable), "<path> is a symbolic link, not a file" and
// "<path> is not a regular file".
Result<std::string> read_regular_file(const std::filesystem::path& path);

// Creates `path` afresh with `content`, for files that are caches or records a later run does not depend on
// (state.json's temp, a session's prompt): whatever is at the path is removed first (a symlink itself, never its
// target) and the file is opened O_CREAT | O_EXCL | O_NOFOLLOW, so nothing is written through a planted link.
// No fsync. Returns 0, or the errno of the step that failed (the caller words the error: the path is its own).
int write_new_file(const std::filesystem::path& path, std::string_view content);

// What read_all or write_all did: the bytes it moved, and the errno of the call that stopped it (0: none failed).
struct IoResult {
  std::size_t bytes = 0;
  int error = 0;
};

// Reads `fd` to its end, handing each piece read (never empty, at most 64 KiB) to `chunk`. A read interrupted by
// a signal (EINTR) is retried. With `at`, reads from that byte offset with pread(2), leaving the descriptor's own
// offset where it was; without, reads from the descriptor's offset with read(2), moving it. Stops at end of file
// (`error` 0) or at the first read that fails (`error` its errno, e.g. EAGAIN on an empty non-blocking pipe;
// what came before it went to `chunk`). Neither opens nor closes `fd`; an exception from `chunk` propagates.
IoResult read_all(int fd, const std::function<void(std::string_view)>& chunk,
                  std::optional<std::int64_t> at = std::nullopt);

// Writes all of `data` to `fd`, retrying a write interrupted by a signal (EINTR) and going on after a partial one.
// With `at`, writes at that byte offset with pwrite(2); without, with write(2) at the descriptor's offset. Stops
// at the first write that fails: `error` is its errno (EAGAIN on a full non-blocking pipe, EPIPE when the reader
// is gone, ENOSPC, ...; a write that takes no byte counts as EIO) and `bytes` what was written before it. Empty
// `data` writes nothing and succeeds. A pipe whose reader is gone raises SIGPIPE as write(2) does: a caller that
// wants EPIPE instead blocks or ignores that signal first.
IoResult write_all(int fd, std::string_view data, std::optional<std::int64_t> at = std::nullopt);

// True when `path` names an existing file, directory or other entry (a dangling symlink counts as absent).
// Never throws; an unreadable parent reads as "absent".
bool exists(const std::filesystem::path& path);

// `mkdir -p path`, then fsync the parent of every directory it created so the new entries survive a crash.
// An existing directory is fine (nothing is synced). A failure to create, or a path component that is not a
// directory, throws simmer::Error(unsafe_storage, "cannot create directory (<path>): <strerror>").
void ensure_dir(const std::filesystem::path& path);

// fsync the directory `dir` so that entries created, renamed or removed in it are durable. Throws
// simmer::Error(unsafe_storage, "cannot sync directory (<dir>): <strerror>") on failure; never retried.
void fsync_dir(const std::filesystem::path& dir);

enum class SyncKind {
  all,        // fsync: data and every metadata change
  data_only,  // fdatasync: data and the metadata needed to read it back (the size), for appends
};

// fsync/fdatasync `fd`, retrying only on EINTR. Returns 0, or the errno of the failure (the caller throws: a
// failed sync is never retried). Honours the `fsync-eio` fault.
int sync_fd(int fd, SyncKind kind);

// Removes the `<name>.tmp.<pid>` files in `dir` (not recursive) left behind by writers that crashed before
// commit, and returns how many it removed. A temp whose pid is a running process other than this one is kept:
// that writer may still commit. Call it at start, before this process opens an AtomicFile in `dir`. A missing
// `dir` gives 0. A file that cannot be removed throws simmer::Error(unsafe_storage).
std::size_t sweep_stale_temps(const std::filesystem::path& dir);

// Fault injection for crash tests (SQLite's SimulateIOError idea). The environment variable SIMMER_FAULT holds
// a comma-separated list of `<point>` or `<point>:<n>` entries. `crash_point(point)` calls _exit(99) when the
// point is listed; with `:<n>`, only on the n-th time (1-based) this process reaches that point, counted since
// SIMMER_FAULT last changed value (so a forked child that sets it counts from zero). Points used:
//   atomic-after-write   the temp is fully written, not yet synced
//   atomic-before-rename the temp is synced and closed, the target still holds its old content
//   atomic-after-rename  renamed, the directory not yet synced
//   journal-torn-append  half of an event line has been written (no newline), then death (checked with
//                        fault_injected by the journal, which writes the half line itself)
//   journal-after-append the line is written and synced
//   lock-after-acquire   the lock is flocked and its holder info written
// Without SIMMER_FAULT this is a cheap no-op.
void crash_point(std::string_view point);

// True when SIMMER_FAULT lists `point` (same `:<n>` rule as crash_point), so the caller simulates a failed
// system call instead of dying. Point used: `fsync-eio` (every fsync/fdatasync reports EIO).
bool fault_injected(std::string_view point);

}  // namespace simmer::util
