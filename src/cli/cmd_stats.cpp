// `simmer stats [--run ID | --latest | --all] [--json]`: figures of the journal (every run by default, the PRD's
// whole history) or of one run, from .simmer/events.jsonl.
//
// The journal is streamed in fixed-size chunks straight into core/stats (simdjson On-Demand): memory stays flat
// whatever the file's size, and a torn or garbage line is counted, never fatal. The latest run is found first by
// reading the file backwards from its end, so the default costs one forward pass.

#include "cli/commands.hpp"
#include "cli/stats_text.hpp"
#include "core/stats.hpp"
#include "store/project.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

namespace simmer::cli {

namespace {

constexpr std::size_t k_chunk = 1 << 20;       // bytes read per call
constexpr std::size_t k_max_line = 64u << 20;  // a longer line is counted malformed and skipped

// A read-only file descriptor that closes itself.
class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

[[noreturn]] void read_error(const std::string& shown) {
  throw Error(ExitCode::failure, fmt::format("cannot read journal ({}): {}", shown, std::strerror(errno)));
}

// pread the whole range [offset, offset + size) or throw.
std::string read_range(int fd, off_t offset, std::size_t size, const std::string& shown) {
  std::string out(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out.data() + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      read_error(shown);
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

// The runId of the journal's last well-formed event. The file is read backwards in k_chunk pieces and each line
// is tried from the last one up; a line longer than k_max_line is passed over without being kept (the forward pass
// counts it malformed anyway), so memory stays within k_max_line + k_chunk whatever the file holds, e.g. a
// gigabyte of NUL bytes after a crash on a file system that extends the size before the data lands.
std::string find_latest_run(int fd, off_t size, const std::string& shown) {
  std::vector<std::string> pieces;  // the current line's bytes seen so far, last piece first
  std::size_t line_bytes = 0;
  bool overlong = false;
  // Tries the current line (its pieces in reverse order) and starts a new one.
  auto finish = [&]() -> std::optional<std::string> {
    std::optional<std::string> run;
    if (!overlong && line_bytes > 0) {
      std::string line;
      line.reserve(line_bytes);
      for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
        line += *it;
      }
      run = core::latest_run_id(line);
    }
    pieces.clear();
    line_bytes = 0;
    overlong = false;
    return run;
  };
  off_t pos = size;
  while (pos > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<off_t>(pos, static_cast<off_t>(k_chunk)));
    pos -= static_cast<off_t>(want);
    std::string chunk = read_range(fd, pos, want, shown);
    std::size_t end = chunk.size();
    while (true) {
      std::size_t nl = end == 0 ? std::string::npos : chunk.rfind('\n', end - 1);
      std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
      if (!overlong) {
        if (line_bytes + (end - begin) > k_max_line) {
          overlong = true;
          pieces.clear();
        } else if (end > begin) {
          pieces.emplace_back(chunk, begin, end - begin);
        }
      }
      line_bytes += end - begin;
      if (nl == std::string::npos) {
        break;  // the line goes on in the previous chunk
      }
      if (auto run = finish()) {
        return *run;
      }
      end = nl;
    }
  }
  return finish().value_or("");
}

// Feeds every line of `fd` to `acc`, in chunks, keeping at most one partial line between reads.
void stream_lines(int fd, core::StatsAccumulator& acc, const std::string& shown) {
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::size_t capacity = 4 * k_chunk;
  std::vector<char> buf(capacity + core::k_stats_line_padding);
  std::size_t have = 0;
  bool skipping = false;  // inside a line longer than k_max_line: drop bytes up to its newline
  while (true) {
    if (have == capacity) {
      if (capacity < k_max_line) {
        capacity *= 2;
        buf.resize(capacity + core::k_stats_line_padding);
      } else {
        // The line does not fit: count it once, as garbage, and skip the rest of it.
        if (!skipping) {
          acc.add_line("\x01 overlong line");
        }
        skipping = true;
        have = 0;
      }
    }
    ssize_t n = ::read(fd, buf.data() + have, std::min(k_chunk, capacity - have));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      read_error(shown);
    }
    if (n == 0) {
      break;
    }
    std::size_t end = have + static_cast<std::size_t>(n);
    std::size_t start = 0;
    std::size_t scan = have;  // [0, have) is a partial line: it holds no newline
    while (const void* hit = std::memchr(buf.data() + scan, '\n', end - scan)) {
      std::size_t i = static_cast<std::size_t>(static_cast<const char*>(hit) - buf.data());
      if (skipping) {
        skipping = false;
      } else {
        acc.add_padded_line(buf.data() + start, i - start);
      }
      start = i + 1;
      scan = start;
    }
    have = end - start;
    std::memmove(buf.data(), buf.data() + start, have);
  }
  if (have > 0 && !skipping) {
    // The last line has no newline: a torn append, or a file written by hand. The parser decides which.
    std::memset(buf.data() + have, 0, core::k_stats_line_padding);
    acc.add_padded_line(buf.data(), have);
  }
}

bool use_color() {
  const char* no_color = std::getenv("NO_COLOR");
  return ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
}

}  // namespace

Runner setup_stats(CLI::App& sub) {
  struct Flags {
    std::string run;
    bool all = false;
    bool latest = false;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  // The default is the whole history, so `stats`, `status` and the dashboard's totals agree on what the PRD cost;
  // --run and --latest narrow it to one run.
  auto* run_opt = sub.add_option("--run", flags->run, "Report on the run with this id only");
  auto* latest_opt = sub.add_flag("--latest", flags->latest, "Report on the latest run only");
  auto* all_opt = sub.add_flag("--all", flags->all, "Report on every run of the journal together (the default)");
  run_opt->excludes(all_opt);
  run_opt->excludes(latest_opt);
  latest_opt->excludes(all_opt);
  sub.add_flag("--json", flags->json, "Print the report as JSON");

  return [flags] {
    // Find the project and its journal; stats never writes, so no lock is taken.
    auto paths = store::ProjectPaths::discover(std::filesystem::current_path());
    std::string shown = paths.display(paths.events);
    Fd fd(::open(paths.events.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT) {
        throw Error(ExitCode::failure, fmt::format("no journal to report on ({}): run `simmer cook` first", shown));
      }
      read_error(shown);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
      read_error(shown);
    }

    // Decide the scope before the pass, so a single pass serves every scope.
    core::RunScope scope = flags->latest         ? core::RunScope::latest
                           : !flags->run.empty() ? core::RunScope::run
                                                 : core::RunScope::all;
    std::string run_id = flags->run;
    if (scope == core::RunScope::latest) {
      run_id = find_latest_run(fd.get(), st.st_size, shown);
    }

    core::StatsAccumulator acc(scope, run_id);
    stream_lines(fd.get(), acc, shown);
    // The lanes' own journals hold their sessions (docs/lanes.md): each regular file .simmer/lanes/<id>/events.jsonl,
    // in id order; a link or anything else planted there is not followed.
    std::vector<std::filesystem::path> lane_journals;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(paths.dir / "lanes", ec)) {
      lane_journals.push_back(entry.path() / "events.jsonl");
    }
    std::sort(lane_journals.begin(), lane_journals.end());
    acc.begin_lane_journal();
    for (const auto& journal : lane_journals) {
      Fd lane(::open(journal.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
      struct stat lst {};
      if (lane.get() >= 0 && ::fstat(lane.get(), &lst) == 0 && S_ISREG(lst.st_mode)) {
        stream_lines(lane.get(), acc, paths.display(journal));
      }
    }
    core::StatsReport report = acc.report();

    if (scope == core::RunScope::run && report.events == 0) {
      throw Error(ExitCode::invalid_input,
                  fmt::format("unknown run ({}): no event has runId \"{}\"", shown, flags->run));
    }
    if (report.malformed_lines > 0) {
      std::fprintf(stderr, "simmer: warning: %s: %llu malformed line(s) skipped\n", shown.c_str(),
                   static_cast<unsigned long long>(report.malformed_lines));
    }
    std::string out = flags->json ? core::stats_to_json(report).dump(2) + "\n"
                                  : stats_to_text(report, use_color() ? TextColor::with_color : TextColor::plain);
    std::fputs(out.c_str(), stdout);
    return to_int(ExitCode::ok);
  };
}

}  // namespace simmer::cli
