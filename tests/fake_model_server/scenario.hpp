#pragma once
// The scenario the fake model server plays. A scenario file is JSON:
//
//   {
//     "conversations": [
//       {
//         "marker": "[[scenario:builder-US-001]]",   // found anywhere in a request: this conversation
//         "turns": [
//           { "text": "I will write it.",              // optional assistant text
//             "tool_calls": [ { "name": "Write", "input": { "file_path": "/abs/x", "content": "hi\n" } } ],
//             "usage": { "input": 1200, "output": 80, "cacheRead": 0, "cacheWrite": 300 } },
//           { "error": { "status": 529, "times": 1, "message": "Overloaded", "headers": { "retry-after": "1" } } },
//           { "hang": true },                          // never answers (until the server stops)
//           { "text": "Done." }
//         ]
//       }
//     ],
//     "sideUsage": { "input": 10, "output": 5 },       // usage reported on side requests (titles, checks)
//     "usageModel": { "bytesPerToken": 4 }             // optional: usage computed from each request instead
//   }                                                  //   (usage_model.hpp states the rule)
//
// A conversation's turns are answered in order, one per main request (a request that offers tools). An error
// entry is answered `times` times (default 1) before the next entry; it never counts as a model turn. Past the
// last entry the server answers a plain "done" text. A tool call's input may be a string: that is a free-form
// (custom) tool call, which is how codex's apply_patch is called. Tool names are the CLI's own (Write/Edit/Bash
// for Claude Code, shell/apply_patch for Codex, write_file/run_shell_command for Gemini CLI).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fake {

struct Usage {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
};

struct ToolCall {
  std::string name;
  nlohmann::json input;  // object, or a string for a free-form tool
};

struct ErrorReply {
  int status = 500;
  int times = 1;
  std::string message;
  std::map<std::string, std::string> headers;
};

struct Turn {
  std::string text;
  std::vector<ToolCall> tool_calls;
  Usage usage;
  std::optional<ErrorReply> error;
  bool hang = false;
};

struct Conversation {
  std::string marker;
  std::vector<Turn> turns;
};

struct UsageModel {
  bool enabled = false;
  std::int64_t bytes_per_token = 4;
  std::int64_t min_cache_tokens = 1024;
  bool cache = true;
};

struct Scenario {
  std::vector<Conversation> conversations;
  Usage side_usage{10, 5, 0, 0};
  UsageModel usage_model;  // enabled: every answer's usage is computed (usage_model.hpp), the turns' ignored
};

// Parses a scenario document; throws std::runtime_error naming the bad field.
Scenario parse_scenario(const nlohmann::json& doc);

// What to answer to one main request of a conversation, and which turn entry it was.
struct Step {
  const Turn* turn = nullptr;  // null: past the end (answer "done")
  int index = -1;              // the turn entry's index, -1 past the end
};

// Tracks where each conversation stands. Not thread-safe: the server holds a lock around it.
class Player {
public:
  explicit Player(Scenario scenario) : m_scenario(std::move(scenario)) {}

  // The conversation whose marker appears first in `body`, or null.
  const Conversation* find(const std::string& body) const;
  // The next step of `conversation`, advancing its cursor.
  Step next(const Conversation& conversation);
  const Scenario& scenario() const { return m_scenario; }

private:
  Scenario m_scenario;
  std::map<std::string, int> m_cursor;       // marker -> turn entry index
  std::map<std::string, int> m_error_count;  // marker -> times the current error entry was answered
};

}  // namespace fake
