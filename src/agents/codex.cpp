// Implementation notes: `codex exec --json` (checked against codex-cli 0.169, fixtures in
// tests/fixtures/streams/codex-*.jsonl). Events: thread.started{thread_id}, turn.started,
// item.started/item.updated/item.completed{item{type: agent_message|reasoning|command_execution|file_change|
// mcp_tool_call|web_search|todo_list|error}}, turn.completed{usage}, turn.failed{error{message}},
// error{message}. Codex exits 0 after a failed turn, so the outcome is read from these events.

#include "agents/codex.hpp"

#include "agents/outcome.hpp"
#include "agents/stream_util.hpp"

namespace simmer::agents {

using detail::get_array;
using detail::get_int;
using detail::get_object;
using detail::get_string;

namespace {

std::string file_change_preview(const nlohmann::json& item) {
  std::string text;
  for (const auto& change : get_array(item, "changes")) {
    text += (text.empty() ? "" : ", ") + get_string(change, "kind") + " " + get_string(change, "path");
  }
  return detail::preview(text);
}

}  // namespace

void CodexStreamParser::feed_line(std::string_view line, std::vector<StreamEvent>& out) {
  const auto j = detail::parse_object(line);
  if (j.is_discarded()) {
    return;
  }
  const std::string type = get_string(j, "type");
  if (type == "thread.started") {
    m_thread_id = get_string(j, "thread_id");
    if (!m_thread_id.empty()) {
      out.push_back({StreamEvent::Kind::session_id, m_thread_id});
    }
    return;
  }
  if (type == "item.started" || type == "item.completed") {
    const auto& item = get_object(j, "item");
    const std::string kind = get_string(item, "type");
    const bool completed = type == "item.completed";
    if (kind == "agent_message" && completed) {
      std::string text = get_string(item, "text");
      m_last_text = detail::bounded(text, k_final_text_max);
      out.push_back({StreamEvent::Kind::text, std::move(text)});
    } else if (kind == "command_execution") {
      if (!completed) {
        StreamEvent e{StreamEvent::Kind::tool_call, "shell"};
        e.preview = detail::preview(get_string(item, "command"));
        out.push_back(std::move(e));
      } else {
        StreamEvent e{StreamEvent::Kind::tool_result, "shell"};
        const std::string output = get_string(item, "aggregated_output");
        e.preview = detail::preview(output);
        e.output = detail::tail(output, k_tool_output_max);
        e.is_error = get_int(item, "exit_code", 0) != 0 || get_string(item, "status") == "failed";
        out.push_back(std::move(e));
      }
    } else if (kind == "file_change" && completed) {
      // Codex applies patches itself and reports them once done: one call, one result.
      StreamEvent call{StreamEvent::Kind::tool_call, "apply_patch"};
      call.preview = file_change_preview(item);
      out.push_back(std::move(call));
      StreamEvent result{StreamEvent::Kind::tool_result, "apply_patch"};
      result.is_error = get_string(item, "status") == "failed";
      out.push_back(std::move(result));
    } else if (kind == "mcp_tool_call") {
      StreamEvent e{completed ? StreamEvent::Kind::tool_result : StreamEvent::Kind::tool_call,
                    get_string(item, "server") + "." + get_string(item, "tool")};
      e.is_error = completed && get_string(item, "status") == "failed";
      out.push_back(std::move(e));
    } else if (kind == "web_search" && !completed) {
      StreamEvent e{StreamEvent::Kind::tool_call, "web_search"};
      e.preview = detail::preview(get_string(item, "query"));
      out.push_back(std::move(e));
    } else if (kind == "error" && completed) {
      m_error = get_string(item, "message", get_string(item, "text"));
    }
    return;
  }
  if (type == "turn.completed") {
    m_completed = true;
    const auto& usage = get_object(j, "usage");
    Tokens t;
    const std::int64_t cached = get_int(usage, "cached_input_tokens");
    t.input = std::max<std::int64_t>(0, get_int(usage, "input_tokens") - cached);
    t.cache_read = cached;
    t.output = get_int(usage, "output_tokens");
    t.cache_write = get_int(usage, "cache_write_input_tokens");
    // Codex reports the thread's running totals, not the turn's: keep the last one (see cumulative_tokens()).
    m_tokens = t;
    ++m_turns;
    StreamEvent e{StreamEvent::Kind::usage};
    e.tokens = t;
    out.push_back(std::move(e));
    StreamEvent r{StreamEvent::Kind::result, m_last_text};
    out.push_back(std::move(r));
    return;
  }
  if (type == "turn.failed") {
    m_failed = true;
    const auto& error = get_object(j, "error");
    m_error = get_string(error, "message", m_error);
    StreamEvent r{StreamEvent::Kind::result, m_error};
    r.is_error = true;
    out.push_back(std::move(r));
    return;
  }
  if (type == "error") {
    m_error = get_string(j, "message", m_error);
  }
}

void CodexStreamParser::finish(SessionRecord& record) {
  record.session_id = m_thread_id;
  record.tokens = m_tokens;
  record.turns = m_turns;
  record.final_text = m_last_text;
  if (m_completed && !m_failed) {
    record.outcome = Outcome::success;
    record.error.clear();
    return;
  }
  Classification c = classify_error(m_error, unix_now_ms());
  record.outcome = c.outcome;
  record.reset_at_ms = c.reset_at_ms;
  record.error = detail::preview(m_error, 500);
}

std::vector<std::string> CodexAdapter::command_line(const LaunchRequest& request) const {
  const std::string sandbox = m_options.sandbox.empty() ? "workspace-write" : m_options.sandbox;
  const bool resume = request.resume_session && !request.resume_session->empty();
  std::vector<std::string> argv = {m_options.executable.empty() ? "codex" : m_options.executable, "exec"};
  if (resume) {
    argv.push_back("resume");
  }
  argv.insert(argv.end(), {"--json", "--skip-git-repo-check"});
  if (auto model = model_for(request); !model.empty()) {
    argv.insert(argv.end(), {"--model", model});
  }
  if (resume) {
    // `exec resume` has no --sandbox flag; the config key sets the same policy.
    argv.insert(argv.end(), {"-c", "sandbox_mode=\"" + sandbox + "\""});
  } else {
    argv.insert(argv.end(), {"--sandbox", sandbox});
  }
  argv.insert(argv.end(), m_options.args.begin(), m_options.args.end());
  argv.insert(argv.end(), request.extra_args.begin(), request.extra_args.end());
  if (resume) {
    argv.push_back(*request.resume_session);
  }
  argv.push_back("-");  // the prompt comes on stdin: no argument-length limit, no leading-dash surprises
  return argv;
}

std::map<std::string, std::string> CodexAdapter::environment(const LaunchRequest& request) const {
  std::map<std::string, std::string> env = m_options.env;
  for (const auto& [k, v] : request.env) {
    env[k] = v;
  }
  return env;
}

std::string CodexAdapter::model_for(const LaunchRequest& request) const {
  return !request.model.empty() ? request.model : m_options.model;
}

}  // namespace simmer::agents
