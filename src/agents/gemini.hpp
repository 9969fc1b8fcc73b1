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

private:
  AgentOptions m_options;
};

}  // namespace simmer::agents
