// Implementation notes: Claude Code's stream-json (checked against claude 2.1.x, fixtures in
// tests/fixtures/streams/claude-*.jsonl). One JSON object per line, `type` in system | assistant | user |
// rate_limit_event | result | stream_event. Unknown types and missing fields are ignored. The CLI exits 0 even when
// the session failed, so the outcome is the `result` line's subtype/is_error, and its text says why.

#include "agents/claude.hpp"

#include "agents/outcome.hpp"
#include "agents/stream_util.hpp"

#include <cstdio>

#include <unistd.h>

namespace simmer::agents {

using detail::get_array;
using detail::get_bool;
using detail::get_int;
using detail::get_number;
using detail::get_object;
using detail::get_string;

namespace {

Tokens read_usage(const nlohmann::json& usage) {
  Tokens t;
  t.input = get_int(usage, "input_tokens");
  t.output = get_int(usage, "output_tokens");
  t.cache_read = get_int(usage, "cache_read_input_tokens");
  t.cache_write = get_int(usage, "cache_creation_input_tokens");
  return t;
}

void add(Tokens& into, const Tokens& t) {
  into.input += t.input;
  into.output += t.output;
  into.cache_read += t.cache_read;
  into.cache_write += t.cache_write;
}

std::string tool_result_text(const nlohmann::json& content) {
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      text += get_string(part, "text");
    }
  }
  return text;
}

}  // namespace

void ClaudeStreamParser::feed_line(std::string_view line, std::vector<StreamEvent>& out) {
  const auto j = detail::parse_object(line);
  if (j.is_discarded()) {
    return;
  }
  const std::string type = get_string(j, "type");
  if (auto sid = get_string(j, "session_id"); !sid.empty() && sid != m_session_id) {
    m_session_id = sid;
    out.push_back({StreamEvent::Kind::session_id, sid});
  }
  if (type == "system") {
    if (auto version = get_string(j, "claude_code_version"); !version.empty()) {
      m_version = version;
    }
    if (auto model = get_string(j, "model"); !model.empty()) {
      m_model = model.substr(0, model.find('['));
    }
    return;
  }
  if (type == "assistant") {
    const auto& message = get_object(j, "message");
    if (auto model = get_string(message, "model"); !model.empty() && model != "<synthetic>") {
      m_model = model;
    }
    const bool api_error = get_bool(j, "isApiErrorMessage") || !get_string(j, "error").empty();
    for (const auto& block : get_array(message, "content")) {
      const std::string kind = get_string(block, "type");
      if (kind == "text") {
        std::string text = get_string(block, "text");
        m_last_text = detail::bounded(text, k_final_text_max);
        if (api_error) {
          m_api_error = m_last_text;
        }
        out.push_back({StreamEvent::Kind::text, std::move(text)});
      } else if (kind == "tool_use") {
        StreamEvent e{StreamEvent::Kind::tool_call, get_string(block, "name")};
        e.preview = detail::preview_tool_input(get_object(block, "input"));
        out.push_back(std::move(e));
      }
    }
    // One message is printed as several lines (one per content block) that repeat the same usage: count it once.
    const std::string id = get_string(message, "id");
    const auto& usage = get_object(message, "usage");
    if (!usage.is_null() && (id.empty() || m_message_ids.insert(id).second)) {
      Tokens t = read_usage(usage);
      add(m_summed, t);
      ++m_turns;
      StreamEvent e{StreamEvent::Kind::usage};
      e.tokens = t;
      out.push_back(std::move(e));
    }
    return;
  }
  if (type == "user") {
    for (const auto& block : get_array(get_object(j, "message"), "content")) {
      if (get_string(block, "type") == "tool_result") {
        StreamEvent e{StreamEvent::Kind::tool_result};
        const std::string output = tool_result_text(block.contains("content") ? block["content"] : nlohmann::json());
        e.preview = detail::preview(output);
        e.output = detail::tail(output, k_tool_output_max);
        e.is_error = get_bool(block, "is_error");
        out.push_back(std::move(e));
      }
    }
    return;
  }
  if (type == "rate_limit_event") {
    const auto& info = get_object(j, "rate_limit_info");
    const std::string status = get_string(info, "status");
    const std::int64_t resets = get_int(info, "resetsAt");
    if (status == "rejected" && resets > 0) {
      m_rate_limit_reset_ms = resets < 100000000000 ? resets * 1000 : resets;
    }
    return;
  }
  if (type == "result") {
    m_saw_result = true;
    m_subtype = get_string(j, "subtype");
    m_result_is_error = get_bool(j, "is_error") || (!m_subtype.empty() && m_subtype != "success");
    m_result_text = detail::bounded(get_string(j, "result"), k_final_text_max);
    if (m_result_text.empty()) {
      // error results carry their messages in `errors` (strings) instead of `result`
      for (const auto& e : get_array(j, "errors")) {
        if (e.is_string()) {
          m_result_text += (m_result_text.empty() ? "" : "; ") + e.get<std::string>();
        }
      }
    }
    if (j.contains("usage") && j["usage"].is_object()) {
      m_result_tokens = read_usage(j["usage"]);
      m_has_result_tokens = true;
    }
    if (j.contains("total_cost_usd") && j["total_cost_usd"].is_number()) {
      m_cost = get_number(j, "total_cost_usd");
      m_has_cost = true;
    }
    m_result_turns = get_int(j, "num_turns", -1);
    m_api_status = get_int(j, "api_error_status", 0);
    // modelUsage names the model that did the work (the init line may only carry an alias)
    const auto& by_model = get_object(j, "modelUsage");
    if (by_model.is_object() && by_model.size() == 1) {
      // "claude-opus-4-8[1m]": the bracket names the context window variant, not the model
      std::string key = by_model.begin().key();
      m_model = key.substr(0, key.find('['));
    }
    StreamEvent e{StreamEvent::Kind::result, m_result_text};
    e.is_error = m_result_is_error;
    out.push_back(std::move(e));
  }
}

bool ClaudeStreamParser::cost_covers_conversation() const {
  // Up to 2.1.2xx, total_cost_usd after --resume is this run's cost; from 2.1.300 on it is the whole
  // conversation's (measured on 2.1.197 and 2.1.332 against the fake model server, tests/e2e/
  // test_agent_claude_resume.sh), while `usage` stays this run's. A stream that names no version is taken for
  // the older behaviour: the script agent and recorded fixtures print no version.
  int major = 0;
  int minor = 0;
  int patch = 0;
  if (std::sscanf(m_version.c_str(), "%d.%d.%d", &major, &minor, &patch) != 3) {
    return false;
  }
  return major > 2 || (major == 2 && (minor > 1 || (minor == 1 && patch >= 300)));
}

void ClaudeStreamParser::finish(SessionRecord& record) {
  record.session_id = m_session_id;
  if (!m_model.empty()) {
    record.model = m_model;
  }
  record.tokens = m_has_result_tokens ? m_result_tokens : m_summed;
  record.turns = static_cast<int>(m_result_turns >= 0 ? m_result_turns : m_turns);
  if (m_has_cost) {
    record.cost_usd = m_cost;
    record.cost_reported = true;
  }
  record.final_text = m_saw_result && !m_result_text.empty() ? m_result_text : m_last_text;
  if (!m_saw_result) {
    record.outcome = Outcome::fatal;
    record.error = m_api_error;
    return;
  }
  if (!m_result_is_error) {
    record.outcome = Outcome::success;
    record.error.clear();
    return;
  }
  if (m_subtype == "error_max_turns") {
    record.outcome = Outcome::fatal;
    record.error = "reached the maximum number of turns (" + std::to_string(record.turns) + ")";
    return;
  }
  std::string why = !m_result_text.empty() ? m_result_text : !m_api_error.empty() ? m_api_error : m_subtype;
  Classification c = classify_error(why, unix_now_ms());
  // The HTTP status Claude Code got, when it says: more reliable than its wording.
  if (m_api_status == 429) {
    c.outcome = Outcome::usage_limit;
  } else if (m_api_status >= 500) {
    c.outcome = Outcome::transient;
  } else if (m_api_status == 401 || m_api_status == 403) {
    c.outcome = Outcome::cannot_start;
    c.reset_at_ms.reset();
  } else if (m_api_status == 400 || m_api_status == 413) {
    c.outcome = Outcome::fatal;
    c.reset_at_ms.reset();
  }
  if (m_rate_limit_reset_ms) {
    c.outcome = Outcome::usage_limit;
    c.reset_at_ms = m_rate_limit_reset_ms;
  }
  record.outcome = c.outcome;
  record.reset_at_ms = c.reset_at_ms;
  record.error = detail::preview(why, 500);
}

namespace {

std::map<std::string, std::string> merged_env(const AgentOptions& options, const LaunchRequest& request,
                                              std::map<std::string, std::string> base) {
  for (const auto& [k, v] : options.env) {
    base[k] = v;
  }
  for (const auto& [k, v] : request.env) {
    base[k] = v;
  }
  return base;
}

std::string pick_model(const AgentOptions& options, const LaunchRequest& request) {
  return !request.model.empty() ? request.model : options.model;
}

// "A,B,C": the form `--tools=` and `--allowedTools=` take. The `=` form matters: both flags are variadic and would
// otherwise swallow the arguments that follow them.
std::string comma_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ",") + name;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& claude_lean_tools(Role role) {
  // Write for every role: each one ends by writing its hand-off file (.simmer/task.json, build.json,
  // verdict.json), and a verifier without it can only report through Bash redirections, which models get wrong.
  static const std::vector<std::string> k_orchestrator = {"Read", "Write", "Glob", "Grep"};
  static const std::vector<std::string> k_builder = {"Bash", "Read", "Edit", "Write", "Glob", "Grep"};
  static const std::vector<std::string> k_verifier = {"Bash", "Read", "Write", "Glob", "Grep"};
  return for_role(role, k_orchestrator, k_builder, k_verifier);
}

std::vector<std::string> ClaudeAdapter::command_line(const LaunchRequest& request) const {
  std::vector<std::string> argv = {m_options.executable.empty() ? "claude" : m_options.executable, "-p",
                                   "--output-format", "stream-json", "--verbose"};
  if (auto model = model_for(request); !model.empty()) {
    argv.insert(argv.end(), {"--model", model});
  }
  const int max_turns = request.max_turns > 0 ? request.max_turns : m_options.max_turns;
  if (max_turns > 0) {
    argv.insert(argv.end(), {"--max-turns", std::to_string(max_turns)});
  }
  argv.insert(argv.end(), {"--permission-mode",
                           m_options.permission_mode.empty() ? "bypassPermissions" : m_options.permission_mode});
  // Claude Code sends every tool's definition with every request (about 81 KB for its 24 tools): offering a role
  // only what it needs is the largest single saving per story (issue 14).
  argv.push_back("--tools=" + comma_list(*offered_tools(request)));
  // cwd, env info and git status move from the system prompt into the first user message, so every session of a
  // run sends the same system prompt and the model service's prefix cache can serve it.
  argv.push_back("--exclude-dynamic-system-prompt-sections");
  if (!m_options.allowed_tools.empty()) {
    argv.push_back("--allowedTools=" + comma_list(m_options.allowed_tools));
  }
  if (!m_options.mcp_servers_json.empty()) {
    argv.push_back("--mcp-config=" + m_options.mcp_servers_json);
    argv.push_back("--strict-mcp-config");
  }
  if (request.resume_session && !request.resume_session->empty()) {
    argv.insert(argv.end(), {"--resume", *request.resume_session});
  }
  argv.insert(argv.end(), m_options.args.begin(), m_options.args.end());
  argv.insert(argv.end(), request.extra_args.begin(), request.extra_args.end());
  return argv;
}

std::map<std::string, std::string> ClaudeAdapter::environment(const LaunchRequest& request) const {
  // bypassPermissions refuses to run as root unless told it is inside a sandbox; simmer runs agents unattended
  // in the project it was pointed at, which is the situation that flag exists for.
  std::map<std::string, std::string> base;
  const bool bypass = m_options.permission_mode.empty() || m_options.permission_mode == "bypassPermissions";
  if (bypass && ::geteuid() == 0) {
    base["IS_SANDBOX"] = "1";
  }
  return merged_env(m_options, request, std::move(base));
}

std::string ClaudeAdapter::model_for(const LaunchRequest& request) const { return pick_model(m_options, request); }

std::optional<std::vector<std::string>> ClaudeAdapter::offered_tools(const LaunchRequest& request) const {
  return m_options.tools ? *m_options.tools : claude_lean_tools(request.role);
}

std::vector<std::string> ScriptAdapter::command_line(const LaunchRequest& request) const {
  std::vector<std::string> argv = {m_options.simmer_exe.empty() ? "simmer" : m_options.simmer_exe.string(),
                                   "agent-script", "--scenario", m_options.scenario.string()};
  if (request.resume_session && !request.resume_session->empty()) {
    argv.insert(argv.end(), {"--resume", *request.resume_session});
  }
  argv.insert(argv.end(), m_options.args.begin(), m_options.args.end());
  argv.insert(argv.end(), request.extra_args.begin(), request.extra_args.end());
  return argv;
}

std::map<std::string, std::string> ScriptAdapter::environment(const LaunchRequest& request) const {
  return merged_env(m_options, request, {});
}

std::string ScriptAdapter::model_for(const LaunchRequest& request) const { return pick_model(m_options, request); }

}  // namespace simmer::agents
