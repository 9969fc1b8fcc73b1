#include "agents/command.hpp"

#include "agents/stream_util.hpp"

namespace simmer::agents {

void CommandStreamParser::feed_line(std::string_view line, std::vector<StreamEvent>& out) {
  m_text.append(line).append("\n");
  if (m_text.size() > 2 * k_final_text_max) {
    m_text.erase(0, m_text.size() - k_final_text_max);
  }
  out.push_back({StreamEvent::Kind::text, std::string(line)});
}

void CommandStreamParser::finish(SessionRecord& record) {
  if (m_text.size() > k_final_text_max) {
    m_text.erase(0, m_text.size() - k_final_text_max);
  }
  record.final_text = m_text;
  m_exited_ok = record.exit_code == 0;
  record.outcome = m_exited_ok ? Outcome::success : Outcome::fatal;
}

std::vector<std::string> CommandAdapter::command_line(const LaunchRequest& request) const {
  std::vector<std::string> argv = m_options.command;
  if (!m_options.executable.empty() && !argv.empty()) {
    argv[0] = m_options.executable;
  }
  argv.insert(argv.end(), m_options.args.begin(), m_options.args.end());
  argv.insert(argv.end(), request.extra_args.begin(), request.extra_args.end());
  if (m_options.prompt_via == PromptVia::argument) {
    argv.push_back(request.prompt);
  }
  return argv;
}

std::optional<std::string> CommandAdapter::stdin_payload(const LaunchRequest& request) const {
  if (m_options.prompt_via == PromptVia::stdin_pipe) {
    return request.prompt;
  }
  return std::nullopt;
}

std::map<std::string, std::string> CommandAdapter::environment(const LaunchRequest& request) const {
  std::map<std::string, std::string> env = m_options.env;
  for (const auto& [k, v] : request.env) {
    env[k] = v;
  }
  return env;
}

std::string CommandAdapter::model_for(const LaunchRequest& request) const {
  return !request.model.empty() ? request.model : m_options.model;
}

}  // namespace simmer::agents
