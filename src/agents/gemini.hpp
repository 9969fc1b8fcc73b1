#pragma once
// Gemini CLI (`gemini -p --output-format stream-json`): the adapter and its JSONL parser.

#include "agents/agent.hpp"
#include "agents/session.hpp"

#include <memory>
#include <string>

namespace simmer::agents {

// Reads Gemini CLI's stream-json: init{session_id, model}, message{role, content, delta}, tool_use, tool_result,
// error, result{status, error, stats}. Tokens come from the result's stats (no cost is reported); its input count
// includes the cached tokens, which are split out here.
class GeminiStreamParser : public StreamParser {
public:
  void feed_line(std::string_view line, std::vector<StreamEvent>& out) override;
  void finish(SessionRecord& record) override;
  bool saw_result() const override { return m_saw_result; }

private:
  std::string m_session_id;
  std::string m_model;
  Tokens m_tokens;
  int m_turns = 0;
  bool m_saw_result = false;
  bool m_result_ok = false;
  std::string m_error;
  std::string m_text;  // assistant text since the last tool call: the final answer when the session ends
  bool m_text_after_tool = false;
  bool m_in_response = false;
  void count_response();
};

// `gemini`: prompt on stdin (with an empty -p to select headless mode), stream-json out, yolo approval by default.
class GeminiAdapter : public Adapter {
public:
  explicit GeminiAdapter(AgentOptions options) : m_options(std::move(options)) {}
  std::string_view name() const override { return "gemini"; }
  bool can_resume() const override { return true; }
  // gemini --output-format stream-json --approval-mode A --skip-trust [--model M] [--resume ID] <args...> -p ""
  std::vector<std::string> command_line(const LaunchRequest& request) const override;
  std::optional<std::string> stdin_payload(const LaunchRequest& request) const override { return request.prompt; }
  std::unique_ptr<StreamParser> make_parser() const override { return std::make_unique<GeminiStreamParser>(); }
  std::map<std::string, std::string> environment(const LaunchRequest& request) const override;
  std::string model_for(const LaunchRequest& request) const override;
  // The role's `tools` from simmer.json, else its lean set (gemini_lean_tools); nullopt with ["default"].
  std::optional<std::vector<std::string>> offered_tools(const LaunchRequest& request) const override;
  // The policy that denies every other built-in tool (gemini_policy), beside the transcript; nullopt when every
  // tool is offered or the launch has no transcript to put it beside.
  std::optional<LaunchFile> launch_file(const LaunchRequest& request) const override;

private:
  AgentOptions m_options;
};

// The built-in tools a role is offered by default (gemini's names): the orchestrator reads and writes its
// hand-off (read_file, write_file, glob, grep_search, list_directory); the builder also edits and runs
// (replace, run_shell_command); the verifier also runs. Left out: web_fetch, google_web_search, write_todos,
// save_memory, enter_plan_mode, invoke_agent (sub-agents), activate_skill, the background-process tools and
// update_topic. Gemini CLI has no flag that names the tools to offer; a policy file (`--policy`) that denies
// the others takes them out of every request, as a role's `"tools": ["default"]` puts them back.
const std::vector<std::string>& gemini_lean_tools(Role role);

// The TOML policy (Gemini CLI's --policy) that denies every built-in tool simmer knows of that `offered` does
// not name. A policy an administrator set still wins over it (its tier is higher); MCP tools are untouched.
std::string gemini_policy(const std::vector<std::string>& offered);

}  // namespace simmer::agents
