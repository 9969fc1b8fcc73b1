// Implementation notes: the script agent's output is Claude Code's stream-json (reference/agent-streams.md):
//   {"type":"system","subtype":"init","session_id":...}
//   {"type":"assistant","message":{"content":[{"type":"tool_use"|"text",...}],"usage":{...}},"session_id":...}
//   {"type":"user","message":{"content":[{"type":"tool_result",...}]},"session_id":...}
//   {"type":"result","subtype":"success"|"error_during_execution","is_error":...,"total_cost_usd":...,...}
// Failures are spelled the way the real CLI spells them, so the claude parser classifies them the same way:
// transient = "API Error: 529 ...overloaded_error...", usage limit = "Claude AI usage limit reached|<unix s>".
// Every action is idempotent when replayed after a crash of the harness: writes replace whole files, an edit whose
// `new` text is already present does nothing.

#include "run/script_agent.hpp"

#include "core/schema.hpp"
#include "store/resources.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string env_or(const char* name, const std::string& fallback = {}) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : fallback;
}

long env_long(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : 0;
}

class Stream {
public:
  Stream(std::FILE* out, std::string session_id, std::string model)
      : m_out(out), m_session(std::move(session_id)), m_model(std::move(model)) {}

  void line(json j) {
    j["session_id"] = m_session;
    std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), m_out);
    std::fflush(m_out);
  }
  void init(const fs::path& cwd) {
    line({{"type", "system"},
          {"subtype", "init"},
          {"cwd", cwd.string()},
          {"model", m_model},
          {"tools", {"Write", "Edit", "Bash"}},
          {"permissionMode", "bypassPermissions"}});
  }
  void text(const std::string& t) {
    ++m_turns;
    line({{"type", "assistant"},
          {"message", {{"role", "assistant"}, {"model", m_model}, {"content", {{{"type", "text"}, {"text", t}}}}}}});
    m_last_text = t;
  }
  void tool(const std::string& name, json input, const std::string& result, bool is_error) {
    ++m_turns;
    std::string id = fmt::format("toolu_script_{}", m_turns);
    line({{"type", "assistant"},
          {"message",
           {{"role", "assistant"},
            {"model", m_model},
            {"content", {{{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", std::move(input)}}}}}}});
    line({{"type", "user"},
          {"message",
           {{"role", "user"},
            {"content",
             {{{"tool_use_id", id}, {"type", "tool_result"}, {"content", result}, {"is_error", is_error}}}}}}});
  }
  void result(bool is_error, const std::string& text, double cost, const json& tokens) {
    json usage = {{"input_tokens", tokens.value("input", 0)},
                  {"output_tokens", tokens.value("output", 0)},
                  {"cache_read_input_tokens", tokens.value("cacheRead", 0)},
                  {"cache_creation_input_tokens", tokens.value("cacheWrite", 0)}};
    line({{"type", "result"},
          {"subtype", is_error ? "error_during_execution" : "success"},
          {"is_error", is_error},
          {"duration_ms", 0},
          {"duration_api_ms", 0},
          {"num_turns", std::max(1, m_turns)},
          {"result", text.empty() ? m_last_text : text},
          {"total_cost_usd", cost},
          {"usage", usage},
          {"modelUsage",
           {{m_model,
             {{"inputTokens", tokens.value("input", 0)},
              {"outputTokens", tokens.value("output", 0)},
              {"costUSD", cost}}}}}});
  }

private:
  std::FILE* m_out;
  std::string m_session;
  std::string m_model;
  int m_turns = 0;
  std::string m_last_text;
};

fs::path in_project(const ScriptContext& c, const std::string& rel) {
  fs::path p(rel);
  return p.is_absolute() ? p : c.project / p;
}

Result<std::string> read_text(const fs::path& p) { return util::read_file(p); }

void write_text(const fs::path& p, const std::string& content) {
  std::error_code ec;
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
  }
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

// The story's row in prd.json, or null.
json prd_story(const ScriptContext& c) {
  auto text = read_text(c.project / ".simmer" / "prd.json");
  if (!text.ok()) {
    return nullptr;
  }
  json prd = json::parse(*text, nullptr, false);
  if (!prd.is_object() || !prd.contains("stories")) {
    return nullptr;
  }
  for (const auto& s : prd["stories"]) {
    if (s.value("id", std::string()) == c.story_id) {
      return s;
    }
  }
  return nullptr;
}

json default_handoff(const ScriptContext& c, const std::vector<std::string>& files) {
  json story = prd_story(c);
  std::string title = story.is_object() ? story.value("title", c.story_id) : c.story_id;
  if (c.role == "orchestrator") {
    return {{"schemaVersion", 1},
            {"storyId", c.story_id},
            {"title", title},
            {"guidance", fmt::format("Implement {} as its acceptance criteria say.", c.story_id)},
            {"reasoning", "The harness's suggestion: the runnable story with the lowest priority."}};
  }
  if (c.role == "builder") {
    return {{"schemaVersion", 1},
            {"storyId", c.story_id},
            {"attempt", c.attempt},
            {"summary",
             c.attempt == 0 ? fmt::format("Built {}.", title) : fmt::format("Fixed {} (fix {}).", title, c.attempt)},
            {"filesChanged", files},
            {"testsAdded", json::array()},
            {"patterns", json::array()}};
  }
  json criteria = json::array();
  if (story.is_object()) {
    for (const auto& criterion : story.value("acceptanceCriteria", json::array())) {
      criteria.push_back({{"criterion", criterion}, {"passed", true}, {"evidence", "checked by the script agent"}});
    }
  }
  return {{"schemaVersion", 1},
          {"storyId", c.story_id},
          {"attempt", c.attempt},
          {"verdict", "pass"},
          {"summary", "Every acceptance criterion is met."},
          {"criteria", criteria}};
}

bool matches(const json& step, const ScriptContext& c) {
  if (step.value("role", std::string()) != c.role) {
    return false;
  }
  if (step.contains("story")) {
    auto story = step["story"].get<std::string>();
    if (story != "*" && story != c.story_id) {
      return false;
    }
  }
  auto int_matches = [&](const char* key, long value) { return !step.contains(key) || step[key].get<long>() == value; };
  return int_matches("attempt", c.attempt) && int_matches("repair", c.repair) && int_matches("retry", c.retry);
}

// Runs one action, reporting it on the stream as the tool call a real agent would have made.
void play_action(const json& action, const ScriptContext& c, const std::string& prompt, Stream& stream,
                 std::vector<std::string>& files) {
  if (action.contains("write")) {
    std::string rel = action["write"].get<std::string>();
    std::string content = action.value("content", std::string());
    write_text(in_project(c, rel), content);
    files.push_back(rel);
    stream.tool("Write", {{"file_path", rel}, {"content", content}}, "File written: " + rel, false);
  } else if (action.contains("edit")) {
    std::string rel = action["edit"].get<std::string>();
    std::string old_text = action["old"].get<std::string>();
    std::string new_text = action["new"].get<std::string>();
    auto text = read_text(in_project(c, rel));
    std::string result;
    bool error = false;
    if (!text.ok()) {
      result = text.failure().message;
      error = true;
    } else if (!new_text.empty() && text->find(new_text) != std::string::npos) {
      // Already applied (a session replayed after a crash of the harness): applying it twice would corrupt.
      result = "Already edited: " + rel;
    } else if (auto pos = text->find(old_text); pos != std::string::npos) {
      std::string updated = *text;
      updated.replace(pos, old_text.size(), new_text);
      write_text(in_project(c, rel), updated);
      files.push_back(rel);
      result = "File edited: " + rel;
    } else {
      result = "String to replace not found in " + rel;
      error = true;
    }
    stream.tool("Edit", {{"file_path", rel}, {"old_string", old_text}, {"new_string", new_text}}, result, error);
  } else if (action.contains("delete")) {
    std::string rel = action["delete"].get<std::string>();
    std::error_code ec;
    fs::remove(in_project(c, rel), ec);
    files.push_back(rel);
    stream.tool("Bash", {{"command", "rm -f " + rel}}, "", false);
  } else if (action.contains("run")) {
    std::string cmd = action["run"].get<std::string>();
    util::ProcessResult r = util::run_shell(cmd, c.project, 0);
    stream.tool("Bash", {{"command", cmd}}, r.output_tail, !r.succeeded());
  } else if (action.contains("say")) {
    stream.text(action["say"].get<std::string>());
  } else if (action.contains("sleep")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(action["sleep"].get<double>() * 1000)));
  } else if (action.contains("savePrompt")) {
    write_text(in_project(c, action["savePrompt"].get<std::string>()), prompt);
  }
}

}  // namespace

Result<ScriptContext> script_context_from_env(std::optional<std::string> resume_session) {
  ScriptContext c;
  c.role = env_or("SIMMER_ROLE");
  std::string handoff = env_or("SIMMER_HANDOFF");
  if (c.role.empty() || handoff.empty()) {
    return Failure{"agent-script runs under `simmer cook`: SIMMER_ROLE and SIMMER_HANDOFF are not set",
                   ExitCode::usage};
  }
  c.story_id = env_or("SIMMER_STORY_ID");
  c.attempt = env_long("SIMMER_ATTEMPT");
  c.repair = env_long("SIMMER_REPAIR");
  c.retry = env_long("SIMMER_RETRY");
  c.handoff = handoff;
  c.project = env_or("SIMMER_PROJECT", fs::current_path().string());
  c.run_id = env_or("SIMMER_RUN_ID");
  c.resume_session = std::move(resume_session);
  return c;
}

Result<json> load_scenario(const fs::path& path) {
  auto text = util::read_file(path);
  if (!text.ok()) {
    return Failure{fmt::format("cannot read the scenario ({}): {}", path.string(), text.failure().message),
                   ExitCode::invalid_input};
  }
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    return Failure{fmt::format("invalid scenario ({}): not valid JSON", path.string()), ExitCode::invalid_input};
  }
  static const auto k_validator = [] {
    auto schema = store::resource("schemas/scenario.json");
    auto compiled = schema::Validator::compile(json::parse(*schema));
    if (!compiled.ok()) {
      throw Error(ExitCode::schema_unusable, compiled.failure().message);
    }
    return *compiled;
  }();
  auto issues = k_validator.validate(doc, 1);
  if (!issues.empty()) {
    return Failure{fmt::format("invalid scenario ({}#{}): {}", path.string(), issues[0].instance_pointer,
                               issues[0].message()),
                   ExitCode::invalid_input};
  }
  return doc;
}

json match_step(const json& scenario, const ScriptContext& context) {
  for (const auto& step : scenario.value("steps", json::array())) {
    if (matches(step, context)) {
      return step;
    }
  }
  return nullptr;
}

int play_scenario(const json& scenario, const ScriptContext& c, std::FILE* out) {
  // The prompt arrives on stdin; read it all so the harness never blocks writing it.
  std::string prompt((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  json defaults = scenario.value("defaults", json::object());
  json step = match_step(scenario, c);
  if (step.is_null()) {
    step = json::object();
  }
  std::string session = c.resume_session.value_or(
      fmt::format("script-{}-{}-{}-a{}-r{}-t{}", c.run_id, c.role, c.story_id, c.attempt, c.repair, c.retry));
  Stream stream(out, session, defaults.value("model", std::string("script")));
  stream.init(c.project);
  std::string outcome = step.value("outcome", std::string("success"));
  if (outcome == "hang") {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(60));
    }
  }
  std::vector<std::string> files;
  for (const auto& action : step.value("actions", json::array())) {
    play_action(action, c, prompt, stream, files);
  }
  if (outcome == "success") {
    const json& h = step.contains("handoff") ? step["handoff"] : json(true);
    std::string handoff_text;
    bool write = true;
    if (h.is_boolean()) {
      write = h.get<bool>();
      handoff_text = default_handoff(c, files).dump(2) + "\n";
    } else if (h.is_string()) {
      handoff_text = h.get<std::string>();
    } else {
      json doc = default_handoff(c, files);
      doc.merge_patch(h);
      handoff_text = doc.dump(2) + "\n";
    }
    if (write) {
      write_text(c.handoff, handoff_text);
      stream.tool("Write", {{"file_path", c.handoff.string()}, {"content", handoff_text}},
                  "File written: " + c.handoff.string(), false);
    }
  }
  double cost = step.value("costUsd", defaults.value("costUsd", 0.0));
  json tokens = step.value("tokens", defaults.value("tokens", json::object()));
  std::string say = step.value("say", std::string());
  if (outcome == "transient") {
    stream.result(true,
                  "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                  "\"Overloaded\"}}",
                  cost, tokens);
  } else if (outcome == "usage_limit") {
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                     .count();
    stream.result(true, fmt::format("Claude AI usage limit reached|{}", now_s + step.value("resetInS", 1)), cost,
                  tokens);
  } else if (outcome == "fatal") {
    stream.result(true, say.empty() ? "script: the scenario asked this session to fail" : say, cost, tokens);
    return step.value("exit", 1);
  } else {
    stream.result(false, say.empty() ? "done" : say, cost, tokens);
  }
  return step.value("exit", 0);
}

}  // namespace simmer::run
