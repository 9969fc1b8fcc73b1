#pragma once
// The one small interface every agent CLI sits behind. An adapter knows how to launch its CLI (and resume a
// session) and how to read its output stream; process supervision (process group, timeouts, bounded memory,
// transcript on disk) is shared and lives in agents/session.hpp.
//
// CONTRACT NOTE for other modules: the loop (src/run/) only uses the types in this header and run_session() from
// agents/session.hpp. Extend freely; do not remove or rename fields without updating the callers.

#include "core/vocabulary.hpp"
#include "util/process.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::agents {

// The roles and how a session ended are the core's vocabulary (core/vocabulary.hpp), read from the stream (never
// from the exit code alone: these CLIs exit 0 on failure):
//   success       the agent finished its turn normally
//   timeout       wall clock or idle timeout hit; the process group was killed
//   transient     HTTP 5xx / 529 overloaded / connection error: worth retrying with backoff
//   usage_limit   plan or rate limit: retry after `reset_at_ms`
//   fatal         prompt too long, max turns, a crash mid-session: this attempt failed, another may not
//   interrupted   simmer itself was asked to stop (SIGINT/SIGTERM) and killed the session
//   cannot_start  the agent cannot work at all (missing binary, bad flags, not logged in): no attempt or retry can
//                 fix it, so the run halts (exit 10) instead of spending every attempt of a story on it
using Role = core::AgentRole;

// The one of three values that belongs to `role` (a per-role default, like a lean tool set).
template <class T>
const T& for_role(Role role, const T& orchestrator, const T& builder, const T& verifier) {
  switch (role) {
    case Role::orchestrator:
      return orchestrator;
    case Role::verifier:
      return verifier;
    case Role::builder:
      break;
  }
  return builder;
}
using Outcome = core::SessionOutcome;
using core::to_string;

// The most of an agent's final message a parser keeps (SessionRecord::final_text).
inline constexpr std::size_t k_final_text_max = 16 * 1024;

// Token counts, normalized across CLIs: `input` never includes the cached part (Codex and Gemini report cached
// tokens inside their input count; the parsers subtract them), so cost = sum of each count times its price.
struct Tokens {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
};

// Price of one model in USD per million tokens (the `pricing` entries of simmer.json, agents/pricing.hpp).
struct ModelPrice {
  double input = 0.0;
  double output = 0.0;
  double cache_read = 0.0;
  double cache_write = 0.0;
};

// The most of a tool's output a tool_result event keeps (its end: where a test run says how it went).
inline constexpr std::size_t k_tool_output_max = 8 * 1024;

// One event of the normalized stream every adapter produces.
struct StreamEvent {
  enum class Kind { text, tool_call, tool_result, usage, session_id, result };
  Kind kind = Kind::text;
  std::string text;       // text; tool name for tool_call; final text for result; id for session_id
  std::string preview;    // tool_call: a short preview of its input; tool_result: of its output
  bool is_error = false;  // tool_result / result
  Tokens tokens;          // usage: this turn's tokens
  std::string output;     // tool_result: the last k_tool_output_max bytes of the output, lines kept; may be empty
};

// A session's totals so far, as its stream has told them (the cook's live line, `simmer logs`): what
// StreamParser::finish() would record if the stream ended here, and its cost (the CLI's own figure when it
// reported one, else tokens times the price of the model). For a resumed thread of a CLI that reports running
// totals (Codex), the earlier sessions' tokens are included until the session's record subtracts them.
struct SessionProgress {
  Tokens tokens;
  int turns = 0;
  double cost_usd = 0.0;
  bool cost_reported = false;
  std::string model;  // as the stream names it, else as configured; empty when neither says
};

// What one agent session did and cost: this record goes into the journal.
struct SessionRecord {
  std::string agent;       // adapter name: claude, codex, gemini, command, script
  std::string model;       // as reported by the CLI, else as configured
  std::string session_id;  // empty when the CLI reported none
  Tokens tokens;           // totals over the session
  int turns = 0;
  std::int64_t duration_ms = 0;
  double cost_usd = 0.0;       // reported by the CLI when it does, else computed from the price table
  bool cost_reported = false;  // true when cost_usd came from the CLI itself
  Outcome outcome = Outcome::fatal;
  std::string error;                        // a one-line reason when outcome != success
  std::optional<std::int64_t> reset_at_ms;  // usage_limit: when the limit resets (Unix ms), when known
  std::string final_text;                   // the agent's last message (bounded)
  int exit_code = -1;                       // the process's own exit status, for diagnostics only
  std::filesystem::path transcript;         // raw output kept on disk
};

// Everything needed to launch (or resume) one session.
struct LaunchRequest {
  Role role = Role::builder;
  std::string prompt;
  std::optional<std::string> resume_session;  // resume this session id (FIX, contract repairs)
  std::filesystem::path cwd;                  // the project root
  std::string model;                          // empty: the CLI's default
  std::vector<std::string> extra_args;        // from simmer.json, appended verbatim
  std::map<std::string, std::string> env;     // added to simmer's own environment
  int timeout_s = 0;                          // 0: no wall-clock limit
  int idle_timeout_s = 0;                     // 0: no idle limit
  int max_turns = 0;                          // 0: the CLI's default
  std::filesystem::path transcript;           // where the raw output goes; empty: not kept
  // Transcript size cap: past it, lines are no longer written and one marker line says how much was left out.
  std::uint64_t transcript_max_bytes = 64ull * 1024 * 1024;
  // Per-model price overrides (simmer.json `pricing`), consulted before the built-in table for CLIs that report
  // tokens but no cost. Keys are model ids or prefixes ("gpt-5" matches "gpt-5-codex").
  std::map<std::string, ModelPrice> prices;
  // For a resumed session of a CLI that reports the thread's running token totals (Adapter::cumulative_tokens(),
  // Codex): the totals its earlier sessions already recorded, subtracted so that each session's record holds only
  // its own tokens. The loop passes the sum of the earlier records of the same session id; zero: nothing.
  Tokens resume_baseline;
  // For a resumed session of a CLI whose reported cost covers the whole conversation rather than this run
  // (StreamParser::cost_covers_conversation()): the cost the earlier sessions of the same id already recorded.
  double resume_cost_baseline = 0.0;
  // Called once the CLI's process has been started, before it does anything the loop reads (the loop journals
  // who it is, so that a killed simmer's next start can stop it). May be empty.
  std::function<void(const util::SpawnedProcess&)> on_spawn;
  // Called on the caller's thread after each normalized event, with the session's totals so far: the cook's live
  // line and `cook -v`. May be empty.
  std::function<void(const StreamEvent&, const SessionProgress&)> on_progress;
};

// Reads one CLI's output, line by line, into normalized events, and sums up the session at the end.
class StreamParser {
public:
  virtual ~StreamParser() = default;
  // One line of output without its newline (may be truncated to a bounded length by the caller). Unknown or
  // malformed lines are ignored, never fatal.
  virtual void feed_line(std::string_view line, std::vector<StreamEvent>& out) = 0;
  // Called after the process ended; fills what the stream said into `record` (outcome, tokens, ...).
  // run_session() has already set record.exit_code, record.agent and the configured record.model (which the
  // parser replaces when the stream names the model). It may also be called before the end, any number of times
  // (agents::progress_of: the totals so far); it changes nothing that later lines or calls depend on.
  virtual void finish(SessionRecord& record) = 0;
  // Whether the stream carried its final result (Claude's `result` line, Codex's `turn.completed`/`turn.failed`,
  // ...). When it did not (the CLI crashed, was killed, or failed before streaming), run_session() classifies the
  // outcome from stderr and the exit code instead. Valid after finish().
  virtual bool saw_result() const = 0;
  // Whether the cost the stream reported covers the whole conversation rather than this run of the CLI (Claude
  // Code 2.1.300 and later after --resume): run_session() then subtracts LaunchRequest::resume_cost_baseline.
  // Valid after finish().
  virtual bool cost_covers_conversation() const { return false; }
};

struct LaunchFile {
  std::filesystem::path path;
  std::string content;
};

class Adapter {
public:
  virtual ~Adapter() = default;
  virtual std::string_view name() const = 0;
  // Whether `resume_session` is honoured (a CLI that cannot resume by id gets a fresh session with context).
  virtual bool can_resume() const = 0;
  // argv of the process to start, argv[0] first.
  virtual std::vector<std::string> command_line(const LaunchRequest& request) const = 0;
  // Bytes written to the child's stdin (then closed); nothing: stdin is /dev/null.
  virtual std::optional<std::string> stdin_payload(const LaunchRequest& /*request*/) const { return std::nullopt; }
  virtual std::unique_ptr<StreamParser> make_parser() const = 0;
  // Variables added to simmer's environment for the child: the adapter's own, then the role's `env`, then
  // request.env (later ones win).
  virtual std::map<std::string, std::string> environment(const LaunchRequest& request) const { return request.env; }
  // The model this launch asks for: request.model, else the configured one, else empty (the CLI's default).
  virtual std::string model_for(const LaunchRequest& request) const { return request.model; }
  // Whether the CLI reports running totals over a resumed thread rather than this session's own tokens.
  virtual bool cumulative_tokens() const { return false; }
  // The built-in tools the CLI is told to offer the model in this launch (claude --tools, gemini's policy file);
  // nullopt when the adapter passes no such list and the CLI offers its own set.
  virtual std::optional<std::vector<std::string>> offered_tools(const LaunchRequest& /*request*/) const {
    return std::nullopt;
  }
  // A file the CLI reads at start, which run_session writes before it starts the process (afresh: never through
  // a link planted at the path). nullopt: none.
  virtual std::optional<LaunchFile> launch_file(const LaunchRequest& /*request*/) const { return std::nullopt; }
};

}  // namespace simmer::agents
