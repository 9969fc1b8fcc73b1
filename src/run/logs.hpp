#pragma once
// `simmer logs`: the agent sessions of a project as a person reads them, from the journal (which sessions there
// are: `session_launched`, and `session` once one ended) and their transcripts (what each did, rendered by
// agents/transcript_view.hpp with the agent's own parser). Reads only: never takes the lock, never writes.
// Following (`-f`) polls the files and moves on to each new session until the cook ends or Ctrl-C.

#include "agents/agent.hpp"
#include "core/events.hpp"
#include "store/project.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::run {

// One session of the journal: its launch and, once it ended, its record.
struct LoggedSession {
  std::int64_t seq = 0;  // of session_launched (of `session` for a session journaled without a launch)
  std::string run_id;
  std::string started;  // the launch event's ts
  core::events::SessionLaunched launched;
  std::optional<core::events::Session> finished;
};

// The sessions of a journal, read as it grows: each call of refresh() reads the lines appended since the last
// one. Only complete lines count (a line still being written waits for its newline); a line that is not a
// well-formed event of its kind is skipped, never fatal: this is a viewer, `simmer replay --check` judges the
// journal. Lines longer than 64 MiB are skipped without being held in memory.
class SessionIndex {
public:
  explicit SessionIndex(std::filesystem::path journal);
  // Reads what was appended. Returns false when the journal cannot be read (a missing one reads as empty);
  // `error` then says why: "cannot read <path>: <strerror>".
  bool refresh(std::string& error);
  const std::vector<LoggedSession>& sessions() const { return m_sessions; }

private:
  void add_line(std::string_view line);

  std::filesystem::path m_path;
  std::uint64_t m_offset = 0;
  std::string m_partial;
  bool m_skipping = false;  // inside a line over the size cap
  std::vector<LoggedSession> m_sessions;
};

// Splits bytes arriving in pieces into lines, holding at most `max_line` bytes of an unfinished one: a longer
// line is reported by its size only (`on_oversized`), never held whole.
class LineSplitter {
public:
  explicit LineSplitter(std::size_t max_line) : m_max(max_line) {}
  void feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
            const std::function<void(std::uint64_t)>& on_oversized);
  // The bytes of the unfinished last line received so far (0 when the input ended on a newline).
  std::uint64_t pending() const { return m_pending; }
  // The unfinished last line's bytes when it is within the cap (for --raw), else empty.
  std::string_view pending_text() const { return m_partial; }

private:
  std::size_t m_max;
  std::string m_partial;
  std::uint64_t m_pending = 0;
};

enum class LogsFormat {
  text,        // rendered for a person (agents::entry_lines)
  json_lines,  // one JSON object per line (agents::entry_json), with a session object before each session
  raw,         // the transcript's bytes as stored; session headers go to stderr
};

enum class LogsFollow { no, yes };

// Raw bytes on a terminal: as stored would let the agent's escape sequences reach it.
enum class RawBytes { as_stored, escape_controls };

struct LogsOptions {
  std::optional<std::string> story;  // every session of this story, in order; none: the latest session
  LogsFormat format = LogsFormat::text;
  LogsFollow follow = LogsFollow::no;
  RawBytes raw_bytes = RawBytes::as_stored;
  std::size_t max_line_bytes = 32u * 1024 * 1024;  // a longer transcript line is skipped with a note
};

// What `logs` needs from outside its files, passed in so the tests can drive the follow loop.
struct LogsWorld {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  std::function<bool()> cook_running;         // whether a cook holds the project lock (util::ProjectLock::inspect)
  std::function<void()> wait;                 // called between two looks at the files while following (a short sleep)
  const std::atomic<bool>* cancel = nullptr;  // Ctrl-C: following stops (exit 0)
};

// The sessions `simmer logs` shows, in order: with `story`, every session of that story; without, the latest
// session of the journal.
std::vector<const LoggedSession*> pick_sessions(const std::vector<LoggedSession>& sessions,
                                                const std::optional<std::string>& story);

// The header line of one session: "== <story> <role> attempt <n> (<agent>), started <ts>: <transcript>".
std::string session_header(const LoggedSession& session);

// Runs `simmer logs` in project `paths` and returns its exit code; messages go to world.err as
// "simmer: error: <what> (<file>): <why>":
//   0  shown (when following: the cook ended, or Ctrl-C)
//   1  nothing to show: "no session yet (.simmer/events.jsonl): run `simmer cook` first" (with --story:
//      "no session yet for story <ID> (.simmer/events.jsonl): it has not been worked on"); a transcript missing or
//      unreadable: "cannot read transcript (<path>): <strerror>" (the other sessions are still shown); the
//      journal unreadable
//   2  no project: "no simmer project here (<root>/.simmer): run `simmer init` first"; an unknown story:
//      "unknown story <ID> (.simmer/prd.json): no such story, and no session in the journal names it"
// A transcript whose last line has no newline (cut by a crash, or still being written when not following) shows
// "(incomplete line: <n> bytes)" in its place; a line longer than options.max_line_bytes shows "(line of <n>
// bytes skipped: over the <m>-byte limit)". Never takes the lock, never writes a file.
int show_logs(const store::ProjectPaths& paths, const LogsOptions& options, LogsWorld& world);

// The prices simmer.json sets, for the tokens of a CLI that reports no cost; none when it cannot be read (the
// built-in table still applies).
std::map<std::string, agents::ModelPrice> configured_prices(const store::ProjectPaths& paths);

// Complete transcript lines of agent `agent` (one per newline) as `simmer logs` prints them, each made safe and
// bounded (agents::entry_lines); the dashboard's live activity.
std::vector<std::string> render_transcript_lines(const std::string& agent, std::string_view lines,
                                                 const std::map<std::string, agents::ModelPrice>& prices);

}  // namespace simmer::run
