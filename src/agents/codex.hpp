#pragma once
// Codex CLI (`codex exec --json`): the adapter and its JSONL parser.

#include "agents/agent.hpp"
#include "agents/session.hpp"

#include <memory>
#include <string>

namespace simmer::agents {

// Reads `codex exec --json`. Codex reports tokens per turn (`turn.completed`) but no cost and no model: the
// record's model is the configured one. Its `input_tokens` include the cached ones; they are split here. Its
// usage is the thread's running total (a resumed thread counts its earlier sessions too), so the record holds the
// last total seen; run_session() subtracts LaunchRequest::resume_baseline.
class CodexStreamParser : public StreamParser {
public:
  void feed_line(std::string_view line, std::vector<StreamEvent>& out) override;
  void finish(SessionRecord& record) override;
  bool saw_result() const override { return m_completed || m_failed; }

private:
  std::string m_thread_id;
  Tokens m_tokens;
  int m_turns = 0;
  bool m_completed = false;
  bool m_failed = false;
  std::string m_error;      // turn.failed / error event / error item, the last one
  std::string m_last_text;  // the last agent_message
};

// `codex`: prompt on stdin ("-"), JSONL out. A FIX resumes with `codex exec resume <thread_id>`.
class CodexAdapter : public Adapter {
public:
  explicit CodexAdapter(AgentOptions options) : m_options(std::move(options)) {}
  std::string_view name() const override { return "codex"; }
  bool can_resume() const override { return true; }
  // codex exec --json --skip-git-repo-check [--model M] --sandbox S <args...> -
  // codex exec resume --json --skip-git-repo-check [--model M] -c sandbox_mode="S" <args...> <thread_id> -
  std::vector<std::string> command_line(const LaunchRequest& request) const override;
  std::optional<std::string> stdin_payload(const LaunchRequest& request) const override { return request.prompt; }
  std::unique_ptr<StreamParser> make_parser() const override { return std::make_unique<CodexStreamParser>(); }
  std::map<std::string, std::string> environment(const LaunchRequest& request) const override;
  std::string model_for(const LaunchRequest& request) const override;
  bool cumulative_tokens() const override { return true; }

private:
  AgentOptions m_options;
};

}  // namespace simmer::agents
