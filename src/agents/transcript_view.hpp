#pragma once
// A session's stream as a person reads it (`simmer logs`, `cook -v` and the cook's live line): each transcript
// line read by the agent's own stream parser (agents/session.hpp make_parser), each normalized event turned into
// a log entry (a tool call with what it acts on, assistant text, a command's output, the totals so far), and each
// entry rendered as terminal-safe, bounded text or as one JSON object. The transcript is the agent's output and
// nobody vouches for it: text is made safe here (util::terminal_line), not by the callers.

#include "agents/agent.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::agents {

enum class EntryKind {
  text,         // the assistant's text
  tool_call,    // a tool call: `tool`, `action`, and what it acts on in `text`
  tool_result,  // a tool's answer: the end of its output in `text`
  usage,        // a turn's usage: `progress` holds the totals so far
  result,       // the stream's final result: `progress` holds the totals, `text` the final message
  stderr_text,  // a line the CLI printed on stderr (kept in the transcript as {"type":"simmer.stderr"})
  note,         // simmer's own remark: a truncated transcript, an incomplete or oversized line
};

// What a tool call does, read from the tool's name across the CLIs (Write / write_file, Bash / shell /
// run_shell_command, ...).
enum class ToolAction { write, edit, run, read, other };

std::string_view to_string(EntryKind kind);
std::string_view to_string(ToolAction action);

// `tool_name` as one of the actions; `other` for a tool simmer does not know.
ToolAction tool_action(std::string_view tool_name);

struct LogEntry {
  EntryKind kind = EntryKind::note;
  std::string text;                       // see EntryKind; raw (not yet made safe) and possibly several lines
  std::string tool;                       // tool_call: the tool's name as the CLI spells it
  ToolAction action = ToolAction::other;  // tool_call; tool_result: the action of the call it answers
  bool is_error = false;                  // tool_result, result
  SessionProgress progress;               // usage, result
};

// Turns normalized events into log entries; remembers the last tool call, whose action a result shows.
class EntryBuilder {
public:
  // The entries for `event` (none for a session id), appended to `out`.
  void add(const StreamEvent& event, const SessionProgress& progress, std::vector<LogEntry>& out);

private:
  ToolAction m_last_action = ToolAction::other;
};

// Reads one transcript, line by line, into log entries with the parser of the agent that wrote it.
class TranscriptView {
public:
  // `agent` names the adapter (claude, codex, gemini, command, script); an unknown name reads each line as text,
  // as the command agent does. `configured_model` and `prices` price the tokens of a CLI that reports no cost
  // (agents::progress_of).
  TranscriptView(const std::string& agent, std::string configured_model, std::map<std::string, ModelPrice> prices);
  ~TranscriptView();
  TranscriptView(TranscriptView&&) noexcept;
  TranscriptView& operator=(TranscriptView&&) noexcept;

  // One complete line of the transcript, without its newline. simmer's own lines (a CLI's stderr, the marker of a
  // transcript cut at its size cap) are read here; every other line goes to the agent's parser. Malformed lines
  // give nothing, as they do to the parser.
  void line(std::string_view text, std::vector<LogEntry>& out);

  // The session's totals so far.
  SessionProgress progress();

private:
  std::unique_ptr<StreamParser> m_parser;
  std::string m_model;
  std::map<std::string, ModelPrice> m_prices;
  EntryBuilder m_builder;
  std::vector<StreamEvent> m_events;
};

// How much of an entry its text shows.
struct TextLimits {
  std::size_t line_bytes = 400;   // each printed line at most (then "…")
  std::size_t text_lines = 200;   // lines of one text entry at most (then a line saying how many more)
  std::size_t output_lines = 10;  // the last lines of a command's output shown
};

// The lines a person reads for `entry`, without newlines, each made safe for a terminal (util::terminal_line)
// and bounded by `limits`:
//   text          "  <line>" per line
//   tool_call     "  > write src/app.py", "  > run pytest -q", "  > <Tool> <input>" for another tool
//   tool_result   a command's (or a failed tool's) output: "    | <line>" for its last lines, after
//                 "    | … (N earlier lines)" when some are left out, then "    ! failed" when it failed; nothing for
//                 the answer of a successful write, edit or read
//   usage         "  . tokens 1234 in, 567 out, 8901 cache read, 0 cache write; $0.0123 so far"
//   result        "  = success: 3 turns, 1234 in / 567 out tokens, $0.0200" or "  = error: <why>" (+ the same)
//   stderr_text   "  stderr: <line>"
//   note          "  (<text>)"
std::vector<std::string> entry_lines(const LogEntry& entry, const TextLimits& limits = {});

// `entry` as one JSON object, the line `simmer logs --json` prints: {"type", "text", "tool", "action",
// "isError", "tokens" {input, output, cacheRead, cacheWrite}, "turns", "costUsd", "costReported", "model"}, each
// member present only where the kind has it. Text is kept whole (bounded by the parsers), invalid UTF-8 replaced
// when dumped.
nlohmann::json entry_json(const LogEntry& entry);

// A tool call in a few words for the cook's live line ("write src/app.py", "run pytest -q"), terminal-safe and
// at most `max_bytes` bytes (then "…").
std::string activity_label(const LogEntry& tool_call, std::size_t max_bytes);

// "$0.0123": the dollar figure the log and the live line print.
std::string dollars(double usd);

}  // namespace simmer::agents
