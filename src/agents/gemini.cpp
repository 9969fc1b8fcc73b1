// Implementation notes: Gemini CLI's `--output-format stream-json` (checked against gemini-cli 0.61, fixtures in
// tests/fixtures/streams/gemini-*.jsonl). Assistant text arrives in chunks (`delta: true`); the final `result` line
// carries status, an optional error{type, message} and the token stats. The CLI can exit 0 after an API error, so
// the outcome is the result's status.

#include "agents/gemini.hpp"

#include "agents/outcome.hpp"
#include "agents/stream_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace simmer::agents {

namespace fs = std::filesystem;

using detail::get_int;
using detail::get_object;
using detail::get_string;

void GeminiStreamParser::feed_line(std::string_view line, std::vector<StreamEvent>& out) {
  const auto j = detail::parse_object(line);
  if (j.is_discarded()) {
    return;
  }
  const std::string type = get_string(j, "type");
  if (type == "init") {
    m_session_id = get_string(j, "session_id");
    m_model = get_string(j, "model");
    if (!m_session_id.empty()) {
      out.push_back({StreamEvent::Kind::session_id, m_session_id});
    }
    return;
  }
  if (type == "message") {
    if (get_string(j, "role") != "assistant") {
      m_in_response = false;
      return;
    }
    count_response();
    std::string chunk = get_string(j, "content");
    if (m_text_after_tool) {
      m_text.clear();
      m_text_after_tool = false;
    }
    if (m_text.size() < k_final_text_max) {
      m_text += detail::bounded(chunk, k_final_text_max - m_text.size());
    }
    out.push_back({StreamEvent::Kind::text, std::move(chunk)});
    return;
  }
  if (type == "tool_use") {
    count_response();
    StreamEvent e{StreamEvent::Kind::tool_call, get_string(j, "tool_name")};
    e.preview = detail::preview_tool_input(get_object(j, "parameters"));
    out.push_back(std::move(e));
    m_text_after_tool = true;
    return;
  }
  if (type == "tool_result") {
    m_in_response = false;
    StreamEvent e{StreamEvent::Kind::tool_result, get_string(j, "tool_id")};
    e.is_error = get_string(j, "status") == "error";
    const std::string output = get_string(j, "output", get_string(get_object(j, "error"), "message"));
    e.preview = detail::preview(output);
    e.output = detail::tail(output, k_tool_output_max);
    out.push_back(std::move(e));
    return;
  }
  if (type == "error") {
    m_error = get_string(j, "message", m_error);
    return;
  }
  if (type == "result") {
    m_saw_result = true;
    m_result_ok = get_string(j, "status") == "success";
    const auto& error = get_object(j, "error");
    if (!error.is_null()) {
      m_error = get_string(error, "message", m_error);
    }
    const auto& stats = get_object(j, "stats");
    const std::int64_t cached = get_int(stats, "cached");
    const std::int64_t input = get_int(stats, "input_tokens", get_int(stats, "input"));
    m_tokens.input = std::max<std::int64_t>(0, input - cached);
    m_tokens.cache_read = cached;
    m_tokens.output = get_int(stats, "output_tokens");
    StreamEvent u{StreamEvent::Kind::usage};
    u.tokens = m_tokens;
    out.push_back(std::move(u));
    StreamEvent r{StreamEvent::Kind::result, m_result_ok ? m_text : m_error};
    r.is_error = !m_result_ok;
    out.push_back(std::move(r));
  }
}

void GeminiStreamParser::count_response() {
  // Gemini CLI reports no turn count: a model response starts with the first assistant chunk or tool call after
  // the prompt or a tool result.
  if (!m_in_response) {
    m_in_response = true;
    ++m_turns;
  }
}

void GeminiStreamParser::finish(SessionRecord& record) {
  record.session_id = m_session_id;
  if (!m_model.empty() && m_model != "auto") {
    record.model = m_model;
  }
  record.tokens = m_tokens;
  record.turns = m_turns;
  record.final_text = m_text;
  if (m_saw_result && m_result_ok) {
    record.outcome = Outcome::success;
    record.error.clear();
    return;
  }
  Classification c = classify_error(m_error, unix_now_ms());
  record.outcome = c.outcome;
  record.reset_at_ms = c.reset_at_ms;
  record.error = detail::preview(m_error, 500);
}

const std::vector<std::string>& gemini_lean_tools(Role role) {
  static const std::vector<std::string> k_orchestrator = {"read_file", "write_file", "glob", "grep_search",
                                                          "list_directory"};
  static const std::vector<std::string> k_builder = {"run_shell_command", "read_file", "replace",
                                                     "write_file",        "glob",      "grep_search",
                                                     "list_directory"};
  static const std::vector<std::string> k_verifier = {"run_shell_command", "read_file",     "write_file", "glob",
                                                      "grep_search",       "list_directory"};
  return for_role(role, k_orchestrator, k_builder, k_verifier);
}

std::string gemini_policy(const std::vector<std::string>& offered) {
  // Gemini CLI 0.61's built-in tools (a name it does not have is denied harmlessly).
  static const std::vector<std::string> k_known = {"list_directory",
                                                   "read_file",
                                                   "read_many_files",
                                                   "grep_search",
                                                   "glob",
                                                   "replace",
                                                   "write_file",
                                                   "run_shell_command",
                                                   "web_fetch",
                                                   "google_web_search",
                                                   "write_todos",
                                                   "save_memory",
                                                   "enter_plan_mode",
                                                   "exit_plan_mode",
                                                   "invoke_agent",
                                                   "activate_skill",
                                                   "list_background_processes",
                                                   "read_background_output",
                                                   "update_topic"};
  std::string denied;
  for (const auto& name : k_known) {
    if (std::find(offered.begin(), offered.end(), name) == offered.end()) {
      denied += fmt::format("{}\"{}\"", denied.empty() ? "" : ", ", name);
    }
  }
  return fmt::format(
      "# Written by simmer for one session: the built-in tools this role is not offered (simmer.json's\n"
      "# agents.<role>.tools; [\"default\"] offers them all).\n"
      "[[rule]]\ntoolName = [{}]\ndecision = \"deny\"\npriority = 900\n",
      denied);
}

std::optional<std::vector<std::string>> GeminiAdapter::offered_tools(const LaunchRequest& request) const {
  if (m_options.tools) {
    if (std::find(m_options.tools->begin(), m_options.tools->end(), "default") != m_options.tools->end()) {
      return std::nullopt;
    }
    return *m_options.tools;
  }
  return gemini_lean_tools(request.role);
}

std::optional<LaunchFile> GeminiAdapter::launch_file(const LaunchRequest& request) const {
  auto tools = offered_tools(request);
  if (!tools || request.transcript.empty()) {
    return std::nullopt;
  }
  fs::path path = request.transcript;
  path.replace_extension(".policy.toml");
  return LaunchFile{path, gemini_policy(*tools)};
}

std::vector<std::string> GeminiAdapter::command_line(const LaunchRequest& request) const {
  // --skip-trust: an untrusted folder silently downgrades the approval mode to "default", which in headless mode
  // refuses every edit; simmer only ever runs the agent in the project it was started in.
  std::vector<std::string> argv = {m_options.executable.empty() ? "gemini" : m_options.executable,
                                   "--output-format",
                                   "stream-json",
                                   "--approval-mode",
                                   m_options.approval_mode.empty() ? "yolo" : m_options.approval_mode,
                                   "--skip-trust"};
  if (auto model = model_for(request); !model.empty()) {
    argv.insert(argv.end(), {"--model", model});
  }
  if (auto policy = launch_file(request)) {
    argv.insert(argv.end(), {"--policy", fs::absolute(policy->path).string()});
  }
  if (request.resume_session && !request.resume_session->empty()) {
    argv.insert(argv.end(), {"--resume", *request.resume_session});
  }
  argv.insert(argv.end(), m_options.args.begin(), m_options.args.end());
  argv.insert(argv.end(), request.extra_args.begin(), request.extra_args.end());
  // -p selects headless mode and is appended to stdin, where the prompt is: no argument-length limit.
  argv.insert(argv.end(), {"-p", ""});
  return argv;
}

std::map<std::string, std::string> GeminiAdapter::environment(const LaunchRequest& request) const {
  std::map<std::string, std::string> env = m_options.env;
  for (const auto& [k, v] : request.env) {
    env[k] = v;
  }
  return env;
}

std::string GeminiAdapter::model_for(const LaunchRequest& request) const {
  return !request.model.empty() ? request.model : m_options.model;
}

}  // namespace simmer::agents
