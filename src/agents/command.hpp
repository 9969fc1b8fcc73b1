#pragma once
// The `command` agent: any program that takes a prompt (on stdin or as its last argument) and prints plain text.
// It has no stream to read, no tokens and no session, so it cannot resume: a FIX starts it again with the whole
// context in the prompt. The handoff file is still required of it, as of every agent.

#include "agents/agent.hpp"
#include "agents/session.hpp"

#include <memory>
#include <string>

namespace simmer::agents {

// Every stdout line is a text event; the outcome is the exit status (the only thing such a program reports).
class CommandStreamParser : public StreamParser {
public:
  void feed_line(std::string_view line, std::vector<StreamEvent>& out) override;
  void finish(SessionRecord& record) override;
  bool saw_result() const override { return m_exited_ok; }

private:
  std::string m_text;  // the last lines, bounded: the "final message"
  bool m_exited_ok = false;
};

class CommandAdapter : public Adapter {
public:
  explicit CommandAdapter(AgentOptions options) : m_options(std::move(options)) {}
  std::string_view name() const override { return "command"; }
  bool can_resume() const override { return false; }
  // options.command, then args, then (prompt_via argument) the prompt.
  std::vector<std::string> command_line(const LaunchRequest& request) const override;
  std::optional<std::string> stdin_payload(const LaunchRequest& request) const override;
  std::unique_ptr<StreamParser> make_parser() const override { return std::make_unique<CommandStreamParser>(); }
  std::map<std::string, std::string> environment(const LaunchRequest& request) const override;
  std::string model_for(const LaunchRequest& request) const override;

private:
  AgentOptions m_options;
};

}  // namespace simmer::agents
