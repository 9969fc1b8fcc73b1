// Implementation notes: the journal file, `.simmer/events.jsonl`.
//
// Format (version 1, the only one): UTF-8 text, one compact JSON object per line, each line ended by "\n".
// Every object has an unsigned integer "seq"; the first line has seq 1 and each next line the previous seq + 1.
// Other fields (ts, runId, kind, data) are the caller's business (docs/events.md, schemas/event.json).
//
// Invariants:
//  - The file only grows, by whole lines: append() writes `dump() + "\n"` in ONE write(2) on an O_APPEND
//    descriptor and then fdatasyncs before returning. Nothing is ever rewritten in place.
//  - So a crash can damage at most the last line: it is a prefix of a line (no "\n"), or, on file systems that
//    extend the size before the data lands, ends in garbage (NUL bytes). Such a last line ("torn tail") is cut
//    off on open: ftruncate to the end of the last good line, fsync, warn (ninja's deps log, Redis
//    aof-load-truncated).
//  - Only a line whose bytes are not valid JSON, or that lacks its "\n", counts as torn: a torn write cannot
//    produce a well-formed object with a wrong seq, so that, and any bad line followed by another line, is
//    damage the harness did not cause. It is refused (journal_corrupt) with nothing changed: losing history
//    silently is worse than stopping (Redis exits on mid-file corruption; SQLite never skips a bad frame).
//  - Readers stream the file line by line, so memory does not grow with the journal unless the caller keeps
//    the events.

#include "util/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace simmer::util {

namespace fs = std::filesystem;

namespace {

// The longest line a reader keeps. The harness's longest event is run_started with the PRD snapshot, a few MiB for
// thousands of stories; without a cap, a gigabyte of garbage without a newline would be held in memory whole.
constexpr std::size_t k_max_line_bytes = std::size_t{64} << 20;

std::string name_of(const fs::path& path, std::string_view display) {
  return display.empty() ? path.string() : std::string(display);
}

fs::path dir_of(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

[[noreturn]] void damaged(const std::string& name, std::uint64_t line, const std::string& why) {
  throw Error(ExitCode::journal_corrupt, "the journal is damaged before its last line (" + name + ":" +
                                             std::to_string(line) + "): " + why + "; nothing was changed");
}

// Checks one complete line (without its "\n"). Returns the parsed event, or sets `why` and returns discarded.
// `json_broken` tells a torn-looking line (bytes that are not JSON) from a well-formed but wrong one.
nlohmann::json check_line(std::string_view text, std::uint64_t expected_seq, std::string& why, bool& json_broken) {
  json_broken = false;
  if (text.empty()) {
    why = "empty line";
    return nlohmann::json::value_t::discarded;
  }
  nlohmann::json event = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) {
    why = "not valid JSON";
    json_broken = true;
    return event;
  }
  if (!event.is_object()) {
    why = "not a JSON object";
    return nlohmann::json::value_t::discarded;
  }
  auto it = event.find("seq");
  if (it == event.end() || !it->is_number_unsigned()) {
    why = "no integer \"seq\"";
    return nlohmann::json::value_t::discarded;
  }
  auto seq = it->get<std::uint64_t>();
  if (seq != expected_seq) {
    why = "seq " + std::to_string(seq) + " where " + std::to_string(expected_seq) + " was expected";
    return nlohmann::json::value_t::discarded;
  }
  return event;
}

std::string torn_message(const std::string& name, std::uint64_t line, std::uint64_t bytes, std::uint64_t offset,
                         std::string_view why) {
  return "cut a torn last line off the journal (" + name + ":" + std::to_string(line) + "): " + std::to_string(bytes) +
         " bytes at byte offset " + std::to_string(offset) + ", " + std::string(why);
}

// Streams the journal open on `fd` from its start. Calls `visit` for each good line; returns the summary. A bad
// line is held back until we know whether another line follows it (damage) or it was the last (torn tail).
// Read errors come back as an errno in `read_errno` (0 when fine).
JournalScan scan_fd(int fd, const std::string& name, const std::function<void(const JournalLine&)>& visit,
                    int& read_errno) {
  read_errno = 0;
  JournalScan scan;
  std::string pending;             // bytes of the line being assembled (none once it is overlong)
  std::uint64_t pending_size = 0;  // its length so far
  bool pending_overlong = false;
  std::uint64_t offset = 0;  // file offset of pending's first byte
  std::uint64_t line_no = 0;
  // A complete but bad line seen last: where it is and why, in case nothing follows it.
  std::optional<std::pair<std::uint64_t, std::string>> bad;
  std::uint64_t bad_offset = 0;
  std::uint64_t bad_bytes = 0;

  // `size` is the line's length; an overlong line (longer than k_max_line_bytes) was not kept, so `text` is empty
  // and the line counts as bytes that are not JSON: a torn tail when it is last (a crash on a file system that
  // extends the size before the data lands leaves such a run of NUL bytes), damage otherwise.
  auto finish_line = [&](std::string_view text, std::uint64_t size, bool overlong) {
    ++line_no;
    if (bad) {
      damaged(name, bad->first, bad->second);
    }
    std::string why;
    bool json_broken = false;
    nlohmann::json event = nlohmann::json::value_t::discarded;
    if (overlong) {
      why = "longer than " + std::to_string(k_max_line_bytes >> 20) + " MiB, not a line simmer wrote";
      json_broken = true;
    } else {
      event = check_line(text, scan.last_seq + 1, why, json_broken);
    }
    if (event.is_discarded()) {
      if (!json_broken) {
        damaged(name, line_no, why);
      }
      bad.emplace(line_no, why);
      bad_offset = offset;
      bad_bytes = size + 1;
    } else {
      scan.last_seq += 1;
      scan.lines += 1;
      scan.good_bytes = offset + size + 1;
      visit(JournalLine{line_no, offset, std::move(event), text});
    }
    offset += size + 1;
  };

  const IoResult read = read_all(fd, [&](std::string_view chunk) {
    while (!chunk.empty()) {
      auto nl = chunk.find('\n');
      std::string_view piece = chunk.substr(0, nl);
      if (!pending_overlong && pending.size() + piece.size() > k_max_line_bytes) {
        pending_overlong = true;
        pending.clear();
        pending.shrink_to_fit();
      }
      pending_size += piece.size();
      if (nl == std::string_view::npos) {
        if (!pending_overlong) {
          pending.append(piece);
        }
        break;
      }
      if (pending.empty() && !pending_overlong) {
        finish_line(piece, pending_size, false);
      } else {
        if (!pending_overlong) {
          pending.append(piece);
        }
        finish_line(pending, pending_size, pending_overlong);
        pending.clear();
      }
      pending_size = 0;
      pending_overlong = false;
      chunk.remove_prefix(nl + 1);
    }
  });
  if (read.error != 0) {
    read_errno = read.error;
    return scan;
  }
  if (pending_size > 0) {
    // A last line without its "\n": a write that did not finish.
    ++line_no;
    if (bad) {
      damaged(name, bad->first, bad->second);
    }
    scan.torn_tail = torn_message(name, line_no, pending_size, offset, "no trailing newline");
  } else if (bad) {
    scan.torn_tail = torn_message(name, bad->first, bad_bytes, bad_offset, bad->second);
  }
  return scan;
}

}  // namespace

void make_storable(nlohmann::json& value) {
  // nlohmann's own replacement, applied to one string at a time: exactly what dump() writes for it.
  auto stored = [](const std::string& text) {
    return nlohmann::json::parse(nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
  if (value.is_string()) {
    if (!utf8_valid(value.get_ref<const std::string&>())) {
      value = stored(value.get_ref<const std::string&>());
    }
  } else if (value.is_array()) {
    for (auto& item : value) {
      make_storable(item);
    }
  } else if (value.is_object()) {
    bool keys_valid = true;
    for (auto& [key, item] : value.items()) {
      keys_valid = keys_valid && utf8_valid(key);
      make_storable(item);
    }
    if (!keys_valid) {
      nlohmann::json rebuilt = nlohmann::json::object();
      for (auto& [key, item] : value.items()) {
        rebuilt[utf8_valid(key) ? key : stored(key).get<std::string>()] = std::move(item);
      }
      value = std::move(rebuilt);
    }
  }
}

Result<JournalScan> Journal::for_each_line(const fs::path& path, const std::function<void(const JournalLine&)>& visit,
                                           std::string_view display) {
  std::string name = name_of(path, display);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return JournalScan{};
    }
    return Failure{"cannot read " + name + ": " + errno_text(errno), ExitCode::invalid_input};
  }
  int read_errno = 0;
  JournalScan scan;
  try {
    scan = scan_fd(fd, name, visit, read_errno);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (read_errno != 0) {
    return Failure{"cannot read " + name + ": " + errno_text(read_errno), ExitCode::invalid_input};
  }
  return scan;
}

Result<JournalContents> Journal::read(const fs::path& path, std::string_view display) {
  JournalContents contents;
  auto scan = for_each_line(
      path, [&](const JournalLine& line) { contents.events.push_back(line.event); }, display);
  if (!scan) {
    return scan.failure();
  }
  contents.scan = std::move(*scan);
  return contents;
}

Journal Journal::open(const fs::path& path, std::vector<std::string>& warnings, std::string_view display) {
  std::string name = name_of(path, display);
  auto fail = [&](const std::string& what, int err) {
    throw Error(ExitCode::unsafe_storage, what + " (" + name + "): " + errno_text(err));
  };
  // O_NOFOLLOW: a symlink at the journal's path would send every event to a file outside the project.
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      // A new directory entry is durable only once its directory is synced (SQLite's DIRSYNC).
      try {
        fsync_dir(dir_of(path));
      } catch (...) {
        ::close(fd);
        throw;
      }
    }
  }
  if (fd < 0 && errno == ELOOP) {
    throw Error(ExitCode::unsafe_storage, "cannot open the journal (" + name +
                                              "): it is a symbolic link; simmer writes its journal only to a "
                                              "regular file inside the project (move the real file back in place)");
  }
  if (fd < 0) {
    fail("cannot open the journal", errno);
  }
  int read_errno = 0;
  JournalScan scan;
  try {
    scan = scan_fd(
        fd, name, [](const JournalLine&) {}, read_errno);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (read_errno != 0) {
    ::close(fd);
    fail("cannot read the journal", read_errno);
  }
  if (scan.torn_tail) {
    if (::ftruncate(fd, static_cast<off_t>(scan.good_bytes)) != 0) {
      int err = errno;
      ::close(fd);
      fail("cannot cut the torn last line off the journal", err);
    }
    if (int err = sync_fd(fd, SyncKind::all); err != 0) {
      ::close(fd);
      fail("cannot sync the journal", err);
    }
    warnings.push_back(*scan.torn_tail);
  }
  return Journal(path, std::move(name), fd, scan.last_seq);
}

Journal::Journal(fs::path path, std::string name, int fd, std::uint64_t last_seq)
    : m_path(std::move(path)), m_name(std::move(name)), m_fd(fd), m_last_seq(last_seq) {
  struct stat st {};
  if (::lstat(dir_of(m_path).c_str(), &st) == 0) {
    m_dir_dev = st.st_dev;
    m_dir_ino = st.st_ino;
  }
}

Journal::Journal(Journal&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_name(std::move(other.m_name)),
      m_fd(other.m_fd),
      m_dir_dev(other.m_dir_dev),
      m_dir_ino(other.m_dir_ino),
      m_last_seq(other.m_last_seq),
      m_broken(other.m_broken) {
  other.m_fd = -1;
}

bool Journal::at_path() const {
  struct stat open_st {
  }, path_st{}, dir_st{};
  if (m_fd < 0 || ::fstat(m_fd, &open_st) != 0 || ::lstat(m_path.c_str(), &path_st) != 0 ||
      ::lstat(dir_of(m_path).c_str(), &dir_st) != 0) {
    return false;
  }
  return S_ISREG(path_st.st_mode) && path_st.st_dev == open_st.st_dev && path_st.st_ino == open_st.st_ino &&
         S_ISDIR(dir_st.st_mode) && dir_st.st_dev == m_dir_dev && dir_st.st_ino == m_dir_ino;
}

void Journal::restore_at_path() {
  auto fail = [&](const std::string& what, int err) {
    throw Error(ExitCode::unsafe_storage, what + " (" + m_name + "): " + errno_text(err));
  };
  fs::path dir = dir_of(m_path);
  struct stat dir_st {};
  if (::lstat(dir.c_str(), &dir_st) == 0 && !S_ISDIR(dir_st.st_mode) && ::unlink(dir.c_str()) != 0) {
    fail("cannot remove what replaced the journal's folder", errno);
  }
  ensure_dir(dir);
  fs::path temp = m_path;
  temp += ".tmp." + std::to_string(::getpid());
  int out = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (out < 0) {
    fail("cannot restore the journal", errno);
  }
  // pread from 0: the descriptor's own offset is wherever the last append left it.
  const IoResult copied = read_all(
      m_fd,
      [&](std::string_view chunk) {
        if (const IoResult written = write_all(out, chunk); written.error != 0) {
          ::close(out);
          fail("cannot restore the journal", written.error);
        }
      },
      0);
  if (copied.error != 0) {
    ::close(out);
    fail("cannot read the journal back", copied.error);
  }
  if (int err = sync_fd(out, SyncKind::all); err != 0) {
    ::close(out);
    fail("cannot sync the restored journal", err);
  }
  ::close(out);
  if (::rename(temp.c_str(), m_path.c_str()) != 0) {
    fail("cannot restore the journal", errno);
  }
  fsync_dir(dir);
  int fd = ::open(m_path.c_str(), O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    fail("cannot reopen the restored journal", errno);
  }
  ::close(m_fd);
  m_fd = fd;
  if (::lstat(dir.c_str(), &dir_st) == 0) {
    m_dir_dev = dir_st.st_dev;
    m_dir_ino = dir_st.st_ino;
  }
}

bool Journal::cut_back(std::uint64_t size) {
  struct stat st {};
  if (m_fd < 0 || ::fstat(m_fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < size) {
    return false;
  }
  return ::ftruncate(m_fd, static_cast<off_t>(size)) == 0 && sync_fd(m_fd, SyncKind::all) == 0;
}

std::int64_t Journal::size() const {
  struct stat st {};
  return m_fd >= 0 && ::fstat(m_fd, &st) == 0 ? static_cast<std::int64_t>(st.st_size) : -1;
}

Journal::~Journal() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::uint64_t Journal::append(nlohmann::json event) {
  if (m_fd < 0 || m_broken) {
    throw Error(ExitCode::unsafe_storage,
                "cannot append to the journal (" + m_name + "): an earlier write failed; reopen it to repair");
  }
  if (!event.is_object()) {
    throw Error(ExitCode::failure, "cannot append to the journal (" + m_name + "): the event is not a JSON object");
  }
  std::uint64_t seq = m_last_seq + 1;
  event["seq"] = seq;
  // Agent output (gate tails, previews) may hold invalid UTF-8; replacing it with U+FFFD keeps the journal valid
  // JSON instead of failing the whole run.
  std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  if (fault_injected("journal-torn-append")) {
    [[maybe_unused]] ssize_t ignored = ::write(m_fd, line.data(), line.size() / 2);
    ::_exit(99);
  }
  ssize_t n = -1;
  do {
    n = ::write(m_fd, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0 || static_cast<std::size_t>(n) != line.size()) {
    // A short write is a torn line already on disk: do not add a second piece that another crash could tear.
    m_broken = true;
    int err = n < 0 ? errno : EIO;
    throw Error(ExitCode::unsafe_storage, "cannot append to the journal (" + m_name +
                                              "): " + (n < 0 ? errno_text(err) : std::string("short write")));
  }
  if (int err = sync_fd(m_fd, SyncKind::data_only); err != 0) {
    m_broken = true;
    throw Error(ExitCode::unsafe_storage, "cannot sync the journal (" + m_name + "): " + errno_text(err));
  }
  m_last_seq = seq;
  crash_point("journal-after-append");
  return seq;
}

}  // namespace simmer::util
