#include "run/logs.hpp"

#include "agents/config_map.hpp"
#include "agents/transcript_view.hpp"
#include "core/vocabulary.hpp"
#include "store/documents.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <map>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_journal_line_max = 64u * 1024 * 1024;

// The file at `path` opened for reading without following a last-component symlink, only if it is a regular file
// (an agent could have put a FIFO or a link there). -1 with `error` set otherwise.
int open_regular(const fs::path& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = errno == ELOOP ? "a symbolic link, not a file" : util::errno_text(errno);
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = "not a regular file";
    return -1;
  }
  return fd;
}

// Reads `path` from `offset` to its end, handing each piece to `chunk` and moving `offset` on. A missing file is
// an error unless `missing_ok`.
bool read_from(const fs::path& path, std::uint64_t& offset, const std::function<void(std::string_view)>& chunk,
               bool missing_ok, std::string& error) {
  std::string why;
  int fd = open_regular(path, why);
  if (fd < 0) {
    if (missing_ok && !util::exists(path)) {
      return true;
    }
    error = why;
    return false;
  }
  util::IoResult r = util::read_all(
      fd,
      [&](std::string_view piece) {
        offset += piece.size();
        chunk(piece);
      },
      static_cast<std::int64_t>(offset));
  ::close(fd);
  if (r.error != 0) {
    error = util::errno_text(r.error);
    return false;
  }
  return true;
}

// Raw transcript bytes for a terminal: every control byte but newline and tab written as \xNN, so an escape
// sequence shows as text instead of acting.
std::string escape_controls(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7f) {
      out += fmt::format("\\x{:02x}", b);
    } else {
      out += c;
    }
  }
  return out;
}

void put(std::FILE* to, std::string_view text) { std::fwrite(text.data(), 1, text.size(), to); }

json session_json(const LoggedSession& s) {
  const auto& l = s.launched;
  return {{"type", "session"},
          {"seq", s.seq},
          {"runId", s.run_id},
          {"storyId", l.story_id ? json(*l.story_id) : json()},
          {"role", core::to_string(l.role)},
          {"attempt", l.attempt},
          {"agent", l.agent},
          {"started", s.started},
          {"transcript", l.transcript}};
}

json session_end_json(const core::events::Session& e) {
  return {{"type", "session_end"},
          {"outcome", core::to_string(e.outcome)},
          {"durationMs", e.duration_ms},
          {"costUsd", e.cost_usd},
          {"turns", e.turns},
          {"model", e.model},
          {"tokens",
           {{"input", e.tokens.input},
            {"output", e.tokens.output},
            {"cacheRead", e.tokens.cache_read},
            {"cacheWrite", e.tokens.cache_write}}},
          {"error", e.error}};
}

std::string dump_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

// One session's transcript being shown: what was read of it so far, and how it is rendered.
class SessionPrinter {
public:
  SessionPrinter(const store::ProjectPaths& paths, const LoggedSession& session, const LogsOptions& options,
                 LogsWorld& world, const std::map<std::string, agents::ModelPrice>& prices)
      : m_path(paths.root / session.launched.transcript),
        m_display(session.launched.transcript),
        m_options(options),
        m_world(world),
        m_splitter(options.max_line_bytes),
        m_view(session.launched.agent, session.finished ? session.finished->model : std::string(), prices) {}

  void header(const LoggedSession& session) {
    if (m_options.format == LogsFormat::json_lines) {
      put(m_world.out, dump_line(session_json(session)));
    } else if (m_options.format == LogsFormat::raw) {
      put(m_world.err, session_header(session) + "\n");
    } else {
      put(m_world.out, session_header(session) + "\n");
    }
    std::fflush(m_world.out);
  }

  // Shows what the transcript gained since the last call. False (the error printed once) when it cannot be read.
  bool pump() {
    if (m_failed) {
      return false;
    }
    std::string error;
    bool ok = read_from(
        m_path, m_offset,
        [&](std::string_view piece) {
          if (m_options.format == LogsFormat::raw) {
            put(m_world.out, m_options.raw_bytes == RawBytes::as_stored ? std::string(piece) : escape_controls(piece));
            return;
          }
          m_splitter.feed(
              piece, [&](std::string_view line) { show_line(line); },
              [&](std::uint64_t bytes) {
                show({.kind = agents::EntryKind::note,
                      .text = fmt::format("line of {} bytes skipped: over the {}-byte limit", bytes,
                                          m_options.max_line_bytes)});
              });
        },
        false, error);
    std::fflush(m_world.out);
    if (!ok) {
      m_failed = true;
      std::fflush(m_world.out);
      std::fprintf(m_world.err, "simmer: error: cannot read transcript (%s): %s\n", m_display.c_str(), error.c_str());
      std::fflush(m_world.err);
    }
    return ok;
  }

  // The session is over (or will not be read further): a last line without its newline, and how it ended.
  void finish(const LoggedSession& session, bool cook_running) {
    if (m_options.format != LogsFormat::raw && m_splitter.pending() > 0) {
      show({.kind = agents::EntryKind::note, .text = fmt::format("incomplete line: {} bytes", m_splitter.pending())});
    }
    if (m_options.format == LogsFormat::raw) {
      std::fflush(m_world.out);
      return;
    }
    if (session.finished) {
      const auto& e = *session.finished;
      if (m_options.format == LogsFormat::json_lines) {
        put(m_world.out, dump_line(session_end_json(e)));
      } else {
        put(m_world.out,
            util::terminal_line(fmt::format("== {} {} in {}, {}; {} in / {} out tokens{}{}", core::to_string(e.role),
                                            core::to_string(e.outcome), util::format_seconds_tenths(e.duration_ms),
                                            agents::dollars(e.cost_usd), e.tokens.input, e.tokens.output,
                                            e.error.empty() ? "" : ": ", util::preview(e.error, 200)),
                                1000) +
                "\n");
      }
    } else if (!m_failed) {
      show({.kind = agents::EntryKind::note,
            .text = cook_running ? "still running: `simmer logs -f` follows it"
                                 : "its end was never recorded: the cook stopped during it"});
    }
    std::fflush(m_world.out);
  }

  bool failed() const { return m_failed; }

private:
  void show_line(std::string_view line) {
    m_entries.clear();
    m_view.line(line, m_entries);
    for (const auto& entry : m_entries) {
      show(entry);
    }
  }

  void show(const agents::LogEntry& entry) {
    if (m_options.format == LogsFormat::json_lines) {
      put(m_world.out, dump_line(agents::entry_json(entry)));
      return;
    }
    for (const auto& line : agents::entry_lines(entry)) {
      put(m_world.out, line + "\n");
    }
  }

  fs::path m_path;
  std::string m_display;
  const LogsOptions& m_options;
  LogsWorld& m_world;
  std::uint64_t m_offset = 0;
  LineSplitter m_splitter;
  agents::TranscriptView m_view;
  std::vector<agents::LogEntry> m_entries;
  bool m_failed = false;
};

bool matches(const LoggedSession& s, const std::optional<std::string>& story) {
  return !story || s.launched.story_id == *story;
}

bool story_in_prd(const store::ProjectPaths& paths, const std::string& id) {
  auto loaded = store::load_prd(paths.prd, paths.display(paths.prd));
  if (const auto* prd = std::get_if<core::Prd>(&loaded)) {
    for (const auto& story : prd->stories) {
      if (story.id == id) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

void LineSplitter::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
                        const std::function<void(std::uint64_t)>& on_oversized) {
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    m_pending += piece.size();
    if (m_pending <= m_max) {
      m_partial.append(piece);
    } else {
      m_partial.clear();
      m_partial.shrink_to_fit();
    }
    if (nl == std::string_view::npos) {
      return;
    }
    if (m_pending <= m_max) {
      on_line(m_partial);
    } else {
      on_oversized(m_pending);
    }
    m_partial.clear();
    m_pending = 0;
    bytes.remove_prefix(nl + 1);
  }
}

SessionIndex::SessionIndex(fs::path journal) : m_path(std::move(journal)) {}

bool SessionIndex::refresh(std::string& error) {
  std::string why;
  bool ok = read_from(
      m_path, m_offset,
      [&](std::string_view piece) {
        while (!piece.empty()) {
          const std::size_t nl = piece.find('\n');
          const std::string_view part = piece.substr(0, nl);
          if (!m_skipping) {
            m_partial.append(part);
            if (m_partial.size() > k_journal_line_max) {
              m_partial.clear();
              m_partial.shrink_to_fit();
              m_skipping = true;
            }
          }
          if (nl == std::string_view::npos) {
            return;
          }
          if (!m_skipping) {
            add_line(m_partial);
          }
          m_partial.clear();
          m_skipping = false;
          piece.remove_prefix(nl + 1);
        }
      },
      true, why);
  if (!ok) {
    error = fmt::format("cannot read {}: {}", m_path.string(), why);
  }
  return ok;
}

void SessionIndex::add_line(std::string_view line) {
  namespace ev = core::events;
  // Only the two kinds this index keeps are parsed; every other line is passed over unread.
  if (line.find("session") == std::string_view::npos) {
    return;
  }
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  auto event = core::event_from_json(j);
  if (!event.ok()) {
    return;
  }
  if (event->kind != ev::SessionLaunched::k_kind && event->kind != ev::Session::k_kind) {
    return;
  }
  core::TypedEvent typed;
  try {
    typed = core::parse_event(*event);
  } catch (const Error&) {
    return;
  }
  if (const auto* launched = std::get_if<ev::SessionLaunched>(&typed.data)) {
    m_sessions.push_back({.seq = typed.seq, .run_id = typed.run_id, .started = typed.ts, .launched = *launched});
    return;
  }
  const auto& ended = std::get<ev::Session>(typed.data);
  for (auto it = m_sessions.rbegin(); it != m_sessions.rend(); ++it) {
    if (it->launched.transcript == ended.transcript && !it->finished) {
      it->finished = ended;
      return;
    }
  }
  // A session journaled without its launch (journals older than session_launched): what its record says.
  LoggedSession s{.seq = typed.seq, .run_id = typed.run_id, .started = typed.ts};
  s.launched.role = ended.role;
  s.launched.story_id = ended.story_id;
  s.launched.attempt = ended.attempt;
  s.launched.agent = ended.agent;
  s.launched.transcript = ended.transcript;
  s.finished = ended;
  m_sessions.push_back(std::move(s));
}

std::vector<const LoggedSession*> pick_sessions(const std::vector<LoggedSession>& sessions,
                                                const std::optional<std::string>& story) {
  std::vector<const LoggedSession*> picked;
  for (const auto& s : sessions) {
    if (matches(s, story)) {
      picked.push_back(&s);
    }
  }
  if (!story && picked.size() > 1) {
    picked.erase(picked.begin(), picked.end() - 1);
  }
  return picked;
}

std::string session_header(const LoggedSession& session) {
  const auto& l = session.launched;
  return util::terminal_line(fmt::format("== {} {} attempt {} ({}), started {}: {}", l.story_id.value_or("-"),
                                         core::to_string(l.role), l.attempt, l.agent, session.started, l.transcript),
                             1000);
}

int show_logs(const store::ProjectPaths& paths, const LogsOptions& options, LogsWorld& world) {
  auto fail = [&](ExitCode code, const std::string& message) {
    std::fflush(world.out);
    std::fprintf(world.err, "simmer: error: %s\n", message.c_str());
    std::fflush(world.err);
    return to_int(code);
  };
  const bool following = options.follow == LogsFollow::yes;
  auto cancelled = [&] { return world.cancel != nullptr && world.cancel->load(); };
  if (!util::exists(paths.dir)) {
    return fail(ExitCode::invalid_input, "no simmer project here (.simmer): run `simmer init` first");
  }
  SessionIndex index(paths.events);
  std::string error;
  if (!index.refresh(error)) {
    return fail(ExitCode::failure, error);
  }
  const std::string journal = paths.display(paths.events);
  if (options.story && pick_sessions(index.sessions(), options.story).empty() && !story_in_prd(paths, *options.story)) {
    return fail(ExitCode::invalid_input,
                fmt::format("unknown story {} ({}): no such story, and no session in the journal names it",
                            *options.story, paths.display(paths.prd)));
  }
  // Following a cook that has not launched a session yet: wait for its first one.
  while (following && pick_sessions(index.sessions(), options.story).empty() && world.cook_running() && !cancelled()) {
    world.wait();
    if (!index.refresh(error)) {
      return fail(ExitCode::failure, error);
    }
  }
  std::vector<const LoggedSession*> picked = pick_sessions(index.sessions(), options.story);
  if (picked.empty()) {
    if (cancelled()) {
      return 0;
    }
    return fail(ExitCode::failure, options.story
                                       ? fmt::format("no session yet for story {} ({}): it has not been worked on",
                                                     *options.story, journal)
                                       : fmt::format("no session yet ({}): run `simmer cook` first", journal));
  }
  const auto prices = configured_prices(paths);
  bool any_failed = false;
  // Sessions are kept by position: the index only grows, and a later refresh may fill in an earlier one's end.
  auto position = [&](const LoggedSession* s) { return static_cast<std::size_t>(s - index.sessions().data()); };
  std::vector<std::size_t> shown;
  for (const auto* s : picked) {
    shown.push_back(position(s));
  }
  const std::size_t last = following ? shown.size() - 1 : shown.size();
  for (std::size_t i = 0; i < last; ++i) {
    const LoggedSession& s = index.sessions()[shown[i]];
    SessionPrinter printer(paths, s, options, world, prices);
    printer.header(s);
    printer.pump();
    printer.finish(s, world.cook_running());
    any_failed = any_failed || printer.failed();
  }
  if (!following) {
    return any_failed ? to_int(ExitCode::failure) : 0;
  }
  // Follow the last one, then each session after it, until the cook ends or Ctrl-C.
  std::size_t current = shown.back();
  auto printer = std::make_unique<SessionPrinter>(paths, index.sessions()[current], options, world, prices);
  printer->header(index.sessions()[current]);
  while (true) {
    // Whether the cook still runs is read before the files: whatever it wrote before it ended is then read below.
    const bool running = world.cook_running();
    printer->pump();
    if (!index.refresh(error)) {
      return fail(ExitCode::failure, error);
    }
    std::optional<std::size_t> next;
    for (std::size_t i = current + 1; i < index.sessions().size(); ++i) {
      if (matches(index.sessions()[i], options.story)) {
        next = i;
        break;
      }
    }
    if (next) {
      // The session that ended may have printed its last lines since the look above.
      printer->pump();
      printer->finish(index.sessions()[current], true);
      any_failed = any_failed || printer->failed();
      current = *next;
      printer = std::make_unique<SessionPrinter>(paths, index.sessions()[current], options, world, prices);
      printer->header(index.sessions()[current]);
      continue;
    }
    if (!running) {
      printer->finish(index.sessions()[current], false);
      any_failed = any_failed || printer->failed();
      return any_failed ? to_int(ExitCode::failure) : 0;
    }
    if (cancelled()) {
      std::fflush(world.out);
      return any_failed || printer->failed() ? to_int(ExitCode::failure) : 0;
    }
    world.wait();
  }
}

std::map<std::string, agents::ModelPrice> configured_prices(const store::ProjectPaths& paths) {
  auto loaded = store::load_config(paths.config, nullptr, paths.display(paths.config));
  if (const auto* config = std::get_if<core::Config>(&loaded)) {
    return agents::prices_from(*config);
  }
  return {};
}

std::vector<std::string> render_transcript_lines(const std::string& agent, std::string_view lines,
                                                 const std::map<std::string, agents::ModelPrice>& prices) {
  agents::TranscriptView view(agent, std::string(), prices);
  std::vector<agents::LogEntry> entries;
  std::vector<std::string> out;
  for (std::string_view line : util::split_lines(lines)) {
    entries.clear();
    view.line(line, entries);
    for (const auto& entry : entries) {
      for (auto& text : agents::entry_lines(entry)) {
        out.push_back(std::move(text));
      }
    }
  }
  return out;
}

}  // namespace simmer::run
