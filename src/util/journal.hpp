#pragma once
// The journal, `.simmer/events.jsonl` (docs/events.md): one compact JSON object per line, `seq` contiguous from
// 1, appended with one write(2) + fdatasync, never rewritten. Only the last line may be torn by a crash; it is
// cut off on open. Damage anywhere before it is refused: the harness stops and changes nothing.
//
// Messages name the journal as `display` when given (e.g. ".simmer/events.jsonl"), else as the path passed.
//   torn tail (warning): "cut a torn last line off the journal (<name>:<line>): <n> bytes at byte offset
//                         <offset>, <why>"  where <why> is "no trailing newline" or "not valid JSON"
//   damage (throws simmer::Error(ExitCode::journal_corrupt)):
//                        "the journal is damaged before its last line (<name>:<line>): <why>; nothing was
//                         changed"  where <why> is e.g. "not valid JSON", "not a JSON object", "no integer
//                         \"seq\"", "seq 7 where 6 was expected", "empty line"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace simmer::util {

// Replaces, in place, every string and object key of `value` that is not valid UTF-8 by the text the journal
// stores for it (append() writes invalid bytes as U+FFFD). The cook applies an event to its state from memory
// right after appending it: passing the event through here first makes that state the one the journal's own
// bytes fold to, and keeps invalid bytes (a gate's or an agent's output) out of state.json, prd.json and every
// later dump.
void make_storable(nlohmann::json& value);

// One good line of the journal, as handed to a visitor.
struct JournalLine {
  std::uint64_t line = 0;    // 1-based line number
  std::uint64_t offset = 0;  // byte offset of the line's first byte
  nlohmann::json event;      // the parsed object; event["seq"] is its seq
  std::string_view text;     // the line's bytes without its "\n", valid only during the visit
};

// What a read-only scan found.
struct JournalScan {
  std::uint64_t last_seq = 0;            // seq of the last good line; 0 for an empty or missing journal
  std::uint64_t lines = 0;               // number of good lines
  std::uint64_t good_bytes = 0;          // length of the good prefix (where a repair would cut)
  std::optional<std::string> torn_tail;  // the torn-tail message (see the file comment) when the last line is torn
};

// What Journal::read returns: every good event, in order, plus the scan summary.
struct JournalContents {
  std::vector<nlohmann::json> events;
  JournalScan scan;
};

// The writer's handle on the journal: an O_APPEND descriptor held open. Not copyable; movable.
class Journal {
public:
  // Opens (creating it, and syncing its directory, when missing) the journal at `path` for appending. A torn last
  // line is cut off (ftruncate + fsync) and the message is pushed to `warnings`. Damage before the last line
  // throws simmer::Error(journal_corrupt) and leaves the file untouched. Failure to open, read, truncate or sync
  // throws simmer::Error(unsafe_storage, "... (<name>): <strerror>"). The directory must exist.
  static Journal open(const std::filesystem::path& path, std::vector<std::string>& warnings,
                      std::string_view display = {});

  // Read-only: every good event of the journal at `path`, without repairing anything (a torn tail is reported
  // in `scan.torn_tail`, its bytes ignored). A missing file is an empty journal. An unreadable file is a
  // Failure ("cannot read <name>: <strerror>", invalid_input); damage before the last line throws
  // simmer::Error(journal_corrupt). Memory grows with the number of events: big journals use for_each_line.
  static Result<JournalContents> read(const std::filesystem::path& path, std::string_view display = {});

  // Read-only, streaming: calls `visit` for each good line in order, holding one line in memory at a time.
  // Same missing/unreadable/damage rules as read(). If `visit` throws, the exception propagates.
  static Result<JournalScan> for_each_line(const std::filesystem::path& path,
                                           const std::function<void(const JournalLine&)>& visit,
                                           std::string_view display = {});

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // The seq of the last event on disk (0 for an empty journal).
  std::uint64_t last_seq() const { return m_last_seq; }

  // Sets event["seq"] = last_seq() + 1, writes `event.dump()` + "\n" with one write(2), fdatasyncs, and returns
  // the seq. `event` must be a JSON object (else simmer::Error(failure), nothing written). A failed or short
  // write, or a failed fdatasync, throws simmer::Error(unsafe_storage): the journal may now end in a torn line,
  // which the next open() repairs; this handle must not be used again.
  std::uint64_t append(nlohmann::json event);

  const std::filesystem::path& path() const { return m_path; }

  // Whether the path still names the file this handle appends to, inside the directory it was opened in: the
  // last component is not a symlink and is the same inode, and the directory entry is the same directory (not
  // a symlink to one moved elsewhere). False after `rm -rf .simmer`, a move of the file or its folder, or a
  // symlink put in their place. Three lstat/fstat calls; never throws.
  bool at_path() const;

  // Puts the journal back at its path after at_path() said false: recreates the directory (a symlink in its
  // place is removed, never followed), copies every byte this handle can still read into a temp file beside the
  // path, syncs it, renames it over whatever is at the path (a symlink there is replaced, its target untouched),
  // syncs the directory and appends from the new file from then on. Throws simmer::Error(unsafe_storage) naming
  // the journal and the system error when any step fails.
  void restore_at_path();

  // Cuts the file back to `size` bytes (what it held before an untrusted process appended to it) through this
  // handle, never through the path, and syncs it. `size` must not exceed the current size. Returns false (and
  // changes nothing) when it cannot.
  bool cut_back(std::uint64_t size);

  // The size of the file this handle appends to (fstat), or -1 when it cannot be read.
  std::int64_t size() const;

private:
  Journal(std::filesystem::path path, std::string name, int fd, std::uint64_t last_seq);

  std::filesystem::path m_path;
  std::string m_name;  // the journal's name in messages
  int m_fd = -1;
  std::uint64_t m_dir_dev = 0;  // the directory the journal was opened in, to tell it from a replacement
  std::uint64_t m_dir_ino = 0;
  std::uint64_t m_last_seq = 0;
  bool m_broken = false;  // a write failed: refuse further appends
};

}  // namespace simmer::util
