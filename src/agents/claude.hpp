#pragma once
// Claude Code (`claude -p --output-format stream-json --verbose`): the adapter and its stream parser. The same
// parser reads the `script` agent (simmer agent-script), whose output has Claude's stream-json shape.

#include "agents/agent.hpp"
#include "agents/session.hpp"

#include <memory>
#include <set>
#include <string>

namespace simmer::agents {

// Reads Claude Code's stream-json. Totals come from the final `result` line (tokens, num_turns, total_cost_usd,
// modelUsage); per-turn usage events are emitted once per assistant message id, because Claude Code repeats a
// message's usage on every content block it prints separately.
class ClaudeStreamParser : public StreamParser {
public:
  void feed_line(std::string_view line, std::vector<StreamEvent>& out) override;
  void finish(SessionRecord& record) override;
  bool saw_result() const override { return m_saw_result; }
  bool cost_covers_conversation() const override;

private:
  std::string m_session_id;
  std::string m_version;  // claude_code_version of the init line; empty when it did not say
  std::string m_model;
  std::set<std::string> m_message_ids;
  Tokens m_summed;  // per-message usage, used when no result line came
  std::int64_t m_turns = 0;
  bool m_saw_result = false;
  bool m_result_is_error = false;
  std::string m_subtype;
  std::string m_result_text;
  std::string m_last_text;
  std::string m_api_error;  // the text of an assistant message Claude Code marked as an API error
  Tokens m_result_tokens;
  bool m_has_result_tokens = false;
  double m_cost = 0.0;
  bool m_has_cost = false;
  std::int64_t m_result_turns = -1;
  std::int64_t m_api_status = 0;                      // result.api_error_status: the HTTP status of the failed API call
  std::optional<std::int64_t> m_rate_limit_reset_ms;  // from a rejected rate_limit_event
};

// The built-in tools a role is offered by default when its `tools` is unset in simmer.json: the orchestrator
// reads (Read, Write, Glob, Grep); the builder edits and runs (Bash, Read, Edit, Write, Glob, Grep); the verifier
// reads and runs (Bash, Read, Write, Glob, Grep). Every role has Write because every role ends by writing its
// hand-off file; the prompts forbid the orchestrator and the verifier any other edit. Left out: WebFetch,
// WebSearch, Task (sub-agents), TodoWrite, NotebookEdit and the rest; `"tools": ["default"]` restores the CLI's
// whole set.
const std::vector<std::string>& claude_lean_tools(Role role);

// `claude`: prompt on stdin, stream-json out, unattended permission mode by default.
class ClaudeAdapter : public Adapter {
public:
  explicit ClaudeAdapter(AgentOptions options) : m_options(std::move(options)) {}
  std::string_view name() const override { return "claude"; }
  bool can_resume() const override { return true; }
  // claude -p --output-format stream-json --verbose [--model M] [--max-turns N] --permission-mode P
  //        [--tools=A,B] [--exclude-dynamic-system-prompt-sections] [--allowedTools=A,B] [--mcp-config JSON
  //        --strict-mcp-config] [--resume ID] <args...>
  std::vector<std::string> command_line(const LaunchRequest& request) const override;
  std::optional<std::string> stdin_payload(const LaunchRequest& request) const override { return request.prompt; }
  std::unique_ptr<StreamParser> make_parser() const override { return std::make_unique<ClaudeStreamParser>(); }
  std::map<std::string, std::string> environment(const LaunchRequest& request) const override;
  std::string model_for(const LaunchRequest& request) const override;
  // The role's `tools` from simmer.json, else its lean set (claude_lean_tools).
  std::optional<std::vector<std::string>> offered_tools(const LaunchRequest& request) const override;

private:
  AgentOptions m_options;
};

// `script`: simmer's own offline agent, `<simmer> agent-script --scenario FILE [--resume ID]`, prompt on stdin,
// Claude's stream-json out.
class ScriptAdapter : public Adapter {
public:
  explicit ScriptAdapter(AgentOptions options) : m_options(std::move(options)) {}
  std::string_view name() const override { return "script"; }
  bool can_resume() const override { return true; }
  std::vector<std::string> command_line(const LaunchRequest& request) const override;
  std::optional<std::string> stdin_payload(const LaunchRequest& request) const override { return request.prompt; }
  std::unique_ptr<StreamParser> make_parser() const override { return std::make_unique<ClaudeStreamParser>(); }
  std::map<std::string, std::string> environment(const LaunchRequest& request) const override;
  std::string model_for(const LaunchRequest& request) const override;

private:
  AgentOptions m_options;
};

}  // namespace simmer::agents
