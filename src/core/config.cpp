// Implementation notes: simmer.json, format version 1 (schemas/config.json, compiled by the store and passed in:
// the core reads no file, embedded or not). A document is checked in
// three passes — unknown keys (with suggestions), the schema, then rules across fields the schema cannot say
// clearly — and only then read over default_config(). Command-line overrides are a second JSON layer merged with
// RFC 7386 merge-patch semantics, checked the same way; a problem inside an override is attributed to the
// "command line", not to the file.

#include "core/config.hpp"

#include "core/lanes.hpp"
#include "core/schema.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <tuple>

namespace simmer::core {
namespace {

using nlohmann::json;

constexpr std::pair<const char*, AgentKind> k_agents[] = {
    {"harness", AgentKind::harness}, {"claude", AgentKind::claude},   {"codex", AgentKind::codex},
    {"gemini", AgentKind::gemini},   {"command", AgentKind::command}, {"script", AgentKind::script}};

constexpr int k_orchestrate_timeout_s = 600;
constexpr int k_build_timeout_s = 1800;
constexpr int k_verify_timeout_s = 900;
constexpr int k_idle_timeout_s = 300;
constexpr int k_gate_timeout_s = 600;

[[noreturn]] void wrong(const std::string& what) {
  throw Error(ExitCode::invalid_input, fmt::format("invalid configuration value: {}", what));
}

int timeout_or_throw(const json& value, const char* key) {
  auto parsed = parse_timeout(value);
  if (!parsed) {
    wrong(fmt::format("\"{}\": {}", key, parsed.failure().message));
  }
  return *parsed;
}

std::string string_or_throw(const json& value, const char* key) {
  if (!value.is_string()) {
    wrong(fmt::format("\"{}\" must be a string", key));
  }
  return value.get<std::string>();
}

std::vector<std::string> strings_or_throw(const json& value, const char* key) {
  if (!value.is_array()) {
    wrong(fmt::format("\"{}\" must be an array of strings", key));
  }
  std::vector<std::string> out;
  for (const auto& item : value) {
    out.push_back(string_or_throw(item, key));
  }
  return out;
}

std::map<std::string, std::string> string_map_or_throw(const json& value, const char* key) {
  if (!value.is_object()) {
    wrong(fmt::format("\"{}\" must be an object of strings", key));
  }
  std::map<std::string, std::string> out;
  for (const auto& [name, item] : value.items()) {
    out[name] = string_or_throw(item, key);
  }
  return out;
}

template <class Int>
Int integer_or_throw(const json& value, const char* key) {
  if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<std::uint64_t>() > INT_MAX) ||
      (!value.is_number_unsigned() && value.get<std::int64_t>() < INT_MIN)) {
    wrong(fmt::format("\"{}\" must be an integer", key));
  }
  return static_cast<Int>(value.get<std::int64_t>());
}

double number_or_throw(const json& value, const char* key) {
  if (!value.is_number()) {
    wrong(fmt::format("\"{}\" must be a number", key));
  }
  return value.get<double>();
}

AgentKind agent_from(const json& value) {
  const std::string text = string_or_throw(value, "agent");
  for (const auto& [name, kind] : k_agents) {
    if (text == name) {
      return kind;
    }
  }
  wrong(fmt::format("unknown agent \"{}\"", text));
}

void read_role(const json& in, RoleConfig& role) {
  if (!in.is_object()) {
    wrong("a role must be an object");
  }
  for (const auto& [key, value] : in.items()) {
    if (key == "agent") {
      role.agent = agent_from(value);
    } else if (key == "model") {
      role.model = string_or_throw(value, "model");
    } else if (key == "args") {
      role.args = strings_or_throw(value, "args");
    } else if (key == "env") {
      role.env = string_map_or_throw(value, "env");
    } else if (key == "timeout") {
      role.timeout_s = timeout_or_throw(value, "timeout");
    } else if (key == "idleTimeout") {
      role.idle_timeout_s = timeout_or_throw(value, "idleTimeout");
    } else if (key == "maxTurns") {
      role.max_turns = integer_or_throw<int>(value, "maxTurns");
    } else if (key == "command") {
      role.command = strings_or_throw(value, "command");
    } else if (key == "promptVia") {
      const std::string via = string_or_throw(value, "promptVia");
      if (via != "stdin" && via != "arg") {
        wrong("\"promptVia\" must be stdin or arg");
      }
      role.prompt_via = via == "arg" ? PromptVia::argument : PromptVia::standard_input;
    } else if (key == "scenario") {
      role.scenario = string_or_throw(value, "scenario");
    } else if (key == "permissionMode") {
      role.permission_mode = string_or_throw(value, "permissionMode");
    } else if (key == "allowedTools") {
      role.allowed_tools = strings_or_throw(value, "allowedTools");
    } else if (key == "tools") {
      role.tools = strings_or_throw(value, "tools");
    } else if (key == "sandbox") {
      role.sandbox = string_or_throw(value, "sandbox");
    } else if (key == "approvalMode") {
      role.approval_mode = string_or_throw(value, "approvalMode");
    } else {
      wrong(fmt::format("unknown role key \"{}\"", key));
    }
  }
}

json role_to_json(const RoleConfig& role) {
  json out{{"agent", std::string(to_string(role.agent))},
           {"args", role.args},
           {"env", role.env},
           {"timeout", role.timeout_s},
           {"idleTimeout", role.idle_timeout_s}};
  if (role.model) {
    out["model"] = *role.model;
  }
  if (role.max_turns) {
    out["maxTurns"] = *role.max_turns;
  }
  if (role.agent == AgentKind::command) {
    out["command"] = role.command;
    out["promptVia"] = role.prompt_via == PromptVia::argument ? "arg" : "stdin";
  }
  if (role.scenario) {
    out["scenario"] = *role.scenario;
  }
  if (role.permission_mode) {
    out["permissionMode"] = *role.permission_mode;
  }
  if (role.allowed_tools) {
    out["allowedTools"] = *role.allowed_tools;
  }
  if (role.tools) {
    out["tools"] = *role.tools;
  }
  if (role.sandbox) {
    out["sandbox"] = *role.sandbox;
  }
  if (role.approval_mode) {
    out["approvalMode"] = *role.approval_mode;
  }
  return out;
}

// The rules the schema cannot say clearly: which agent may play which role, and what each agent requires.
void check_roles(const json& doc, const std::string& file, std::vector<Problem>& problems) {
  if (!doc.is_object() || !doc.contains("agents") || !doc["agents"].is_object()) {
    return;
  }
  for (const char* role : {"orchestrator", "builder", "verifier"}) {
    const auto it = doc["agents"].find(role);
    if (it == doc["agents"].end() || !it->is_object()) {
      continue;
    }
    const json& config = *it;
    const std::string pointer = fmt::format("/agents/{}", role);
    const std::string agent = config.contains("agent") && config["agent"].is_string()
                                  ? config["agent"].get<std::string>()
                                  : "claude";
    Problem p;
    p.file = file;
    if (agent == "harness" && std::string_view(role) != "orchestrator") {
      p.pointer = pointer + "/agent";
      p.message =
          "expected one of \"claude\", \"codex\", \"gemini\", \"command\", \"script\" (\"harness\" is for "
          "the orchestrator only), found \"harness\"";
    } else if (agent == "command" && !config.contains("command")) {
      p.pointer = pointer;
      p.message = "expected \"command\" (the program agent \"command\" runs), found nothing";
    } else if (agent == "script" && !config.contains("scenario")) {
      p.pointer = pointer;
      p.message = "expected \"scenario\" (the file agent \"script\" plays), found nothing";
    } else {
      continue;
    }
    problems.push_back(std::move(p));
  }
}

// True when `pointer` names a value that `overrides` sets (or lies inside one it sets).
bool set_by_overrides(const json& overrides, const std::string& pointer) {
  if (!overrides.is_object()) {
    return false;
  }
  std::string prefix = pointer;
  while (true) {
    try {
      if (overrides.contains(json::json_pointer(prefix)) && !prefix.empty()) {
        return true;
      }
    } catch (const json::exception&) {
      // An array index into an object and the like: not set there.
    }
    const auto slash = prefix.rfind('/');
    if (slash == std::string::npos || prefix.empty()) {
      return false;
    }
    prefix.resize(slash);
  }
}

}  // namespace

std::string_view to_string(AgentKind kind) {
  for (const auto& [name, value] : k_agents) {
    if (value == kind) {
      return name;
    }
  }
  return "claude";
}

std::string_view to_string(Workflow workflow) {
  return workflow == Workflow::one_shot ? "one-shot" : "epic-checkpoint";
}

Config default_config() {
  Config config;
  config.orchestrator.timeout_s = k_orchestrate_timeout_s;
  config.builder.timeout_s = k_build_timeout_s;
  config.verifier.timeout_s = k_verify_timeout_s;
  for (RoleConfig* role : {&config.orchestrator, &config.builder, &config.verifier}) {
    role->agent = AgentKind::claude;
    role->idle_timeout_s = k_idle_timeout_s;
  }
  return config;
}

Result<int> parse_timeout(const nlohmann::json& value) {
  const std::string expected = "expected seconds or a number with a unit s, m, h or d (e.g. 90s, 10m, 1h)";
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT_MAX)) {
      return Failure{fmt::format("invalid duration {}: too long", value.dump())};
    }
    return static_cast<int>(value.get<std::uint64_t>());
  }
  if (value.is_string()) {
    auto seconds = util::parse_duration_s(value.get<std::string>());
    if (!seconds) {
      return seconds.failure();
    }
    if (*seconds > INT_MAX) {
      return Failure{fmt::format("invalid duration {}: too long", value.dump())};
    }
    return static_cast<int>(*seconds);
  }
  return Failure{fmt::format("invalid duration {}: {}", value.dump(), expected)};
}

void to_json(nlohmann::json& out, const Config& value) {
  json gates = json::array();
  for (const auto& gate : value.gates) {
    gates.push_back(json{{"name", gate.name}, {"run", gate.run}, {"timeout", gate.timeout_s}});
  }
  json pricing = json::object();
  for (const auto& [model, price] : value.pricing) {
    pricing[model] = json{{"input", price.input},
                          {"output", price.output},
                          {"cacheRead", price.cache_read},
                          {"cacheWrite", price.cache_write}};
  }
  json servers = json::object();
  for (const auto& [name, server] : value.mcp_servers) {
    if (server.type == McpServer::Type::stdio) {
      servers[name] = json{{"command", server.command}, {"args", server.args}, {"env", server.env}};
    } else {
      servers[name] = json{{"type", server.type == McpServer::Type::http ? "http" : "sse"},
                           {"url", server.url},
                           {"headers", server.headers}};
    }
  }
  out = json{
      {"schemaVersion", value.schema_version},
      {"project", value.project},
      {"app", value.app},
      {"workflow", std::string(to_string(value.workflow))},
      {"agents", json{{"orchestrator", role_to_json(value.orchestrator)},
                      {"builder", role_to_json(value.builder)},
                      {"verifier", role_to_json(value.verifier)}}},
      {"gates", std::move(gates)},
      {"budget", json{{"perStory", value.budget.per_story}, {"total", value.budget.total}}},
      {"retries",
       json{{"fix", value.retries.fix}, {"contract", value.retries.contract}, {"transient", value.retries.transient}}},
      {"maxIterations", value.max_iterations},
      {"pricing", std::move(pricing)},
      {"mcpServers", std::move(servers)},
      {"git",
       json{{"commit", value.git.commit}, {"hooks", value.git.hooks}, {"hookTimeout", value.git.hook_timeout_s}}},
      {"parallel", json{{"lanes", value.parallel.lanes},
                        {"serial", value.parallel.serial},
                        {"untouched", value.parallel.untouched},
                        {"integrate", value.parallel.integrate},
                        {"sessions", value.parallel.sessions},
                        {"copy", value.parallel.copy},
                        {"setup", value.parallel.setup},
                        {"setupTimeout", value.parallel.setup_timeout_s}}}};
  if (value.schema_ref) {
    out["$schema"] = *value.schema_ref;
  }
}

void from_json(const nlohmann::json& in, Config& value) {
  if (!in.is_object()) {
    wrong("simmer.json must hold an object");
  }
  value = default_config();
  for (const auto& [key, item] : in.items()) {
    if (key == "$schema") {
      value.schema_ref = string_or_throw(item, "$schema");
    } else if (key == "schemaVersion") {
      value.schema_version = integer_or_throw<int>(item, "schemaVersion");
      if (value.schema_version != k_schema_version) {
        wrong("\"schemaVersion\" must be 1");
      }
    } else if (key == "project") {
      value.project = string_or_throw(item, "project");
    } else if (key == "app") {
      value.app = string_or_throw(item, "app");
    } else if (key == "workflow") {
      const std::string workflow = string_or_throw(item, "workflow");
      if (workflow != "one-shot" && workflow != "epic-checkpoint") {
        wrong("\"workflow\" must be one-shot or epic-checkpoint");
      }
      value.workflow = workflow == "one-shot" ? Workflow::one_shot : Workflow::epic_checkpoint;
    } else if (key == "agents") {
      if (!item.is_object()) {
        wrong("\"agents\" must be an object");
      }
      for (const auto& [role, config] : item.items()) {
        if (role == "orchestrator") {
          read_role(config, value.orchestrator);
        } else if (role == "builder") {
          read_role(config, value.builder);
        } else if (role == "verifier") {
          read_role(config, value.verifier);
        } else {
          wrong(fmt::format("unknown role \"{}\"", role));
        }
      }
    } else if (key == "gates") {
      if (!item.is_array()) {
        wrong("\"gates\" must be an array");
      }
      value.gates.clear();
      for (const auto& gate : item) {
        Gate g;
        if (!gate.is_object() || !gate.contains("name") || !gate.contains("run")) {
          wrong("a gate needs \"name\" and \"run\"");
        }
        g.name = string_or_throw(gate["name"], "name");
        g.run = string_or_throw(gate["run"], "run");
        if (gate.contains("timeout")) {
          g.timeout_s = timeout_or_throw(gate["timeout"], "timeout");
        }
        value.gates.push_back(std::move(g));
      }
    } else if (key == "budget") {
      if (item.contains("perStory")) {
        value.budget.per_story = number_or_throw(item["perStory"], "perStory");
      }
      if (item.contains("total")) {
        value.budget.total = number_or_throw(item["total"], "total");
      }
    } else if (key == "retries") {
      if (item.contains("fix")) {
        value.retries.fix = integer_or_throw<int>(item["fix"], "fix");
      }
      if (item.contains("contract")) {
        value.retries.contract = integer_or_throw<int>(item["contract"], "contract");
      }
      if (item.contains("transient")) {
        value.retries.transient = integer_or_throw<int>(item["transient"], "transient");
      }
    } else if (key == "maxIterations") {
      if (!item.is_number_integer()) {
        wrong("\"maxIterations\" must be an integer");
      }
      value.max_iterations = item.get<std::int64_t>();
    } else if (key == "pricing") {
      if (!item.is_object()) {
        wrong("\"pricing\" must be an object");
      }
      for (const auto& [model, price] : item.items()) {
        Pricing p;
        p.input = number_or_throw(price.value("input", json(0.0)), "input");
        p.output = number_or_throw(price.value("output", json(0.0)), "output");
        p.cache_read = number_or_throw(price.value("cacheRead", json(0.0)), "cacheRead");
        p.cache_write = number_or_throw(price.value("cacheWrite", json(0.0)), "cacheWrite");
        value.pricing[model] = p;
      }
    } else if (key == "mcpServers") {
      if (!item.is_object()) {
        wrong("\"mcpServers\" must be an object");
      }
      for (const auto& [name, server] : item.items()) {
        McpServer s;
        const std::string type = server.value("type", std::string("stdio"));
        s.type = type == "http" ? McpServer::Type::http : type == "sse" ? McpServer::Type::sse : McpServer::Type::stdio;
        if (server.contains("command")) {
          s.command = string_or_throw(server["command"], "command");
        }
        if (server.contains("args")) {
          s.args = strings_or_throw(server["args"], "args");
        }
        if (server.contains("env")) {
          s.env = string_map_or_throw(server["env"], "env");
        }
        if (server.contains("url")) {
          s.url = string_or_throw(server["url"], "url");
        }
        if (server.contains("headers")) {
          s.headers = string_map_or_throw(server["headers"], "headers");
        }
        value.mcp_servers[name] = std::move(s);
      }
    } else if (key == "git") {
      if (item.contains("commit")) {
        if (!item["commit"].is_boolean()) {
          wrong("\"git.commit\" must be true or false");
        }
        value.git.commit = item["commit"].get<bool>();
      }
      if (item.contains("hooks")) {
        if (!item["hooks"].is_boolean()) {
          wrong("\"git.hooks\" must be true or false");
        }
        value.git.hooks = item["hooks"].get<bool>();
      }
      if (item.contains("hookTimeout")) {
        value.git.hook_timeout_s = timeout_or_throw(item["hookTimeout"], "hookTimeout");
      }
    } else if (key == "parallel") {
      if (!item.is_object()) {
        wrong("\"parallel\" must be an object");
      }
      if (item.contains("lanes")) {
        if (!item["lanes"].is_number_integer() || item["lanes"].get<std::int64_t>() < 1) {
          wrong("\"parallel.lanes\" must be an integer of at least 1");
        }
        value.parallel.lanes = item["lanes"].get<std::int64_t>();
      }
      if (item.contains("serial")) {
        value.parallel.serial.clear();
        for (const auto& glob : item["serial"]) {
          if (!glob.is_string() || !glob_error(glob.get<std::string>()).empty()) {
            wrong("\"parallel.serial\" must hold valid globs");
          }
          value.parallel.serial.push_back(glob.get<std::string>());
        }
      }
      for (const auto& [name, field, allowed] :
           {std::tuple{"untouched", &value.parallel.untouched, std::array<const char*, 2>{"alone", "beside"}},
            std::tuple{"integrate", &value.parallel.integrate, std::array<const char*, 2>{"rebase", "merge"}}}) {
        if (item.contains(name)) {
          const json& v = item[name];
          if (!v.is_string() || (v != allowed[0] && v != allowed[1])) {
            wrong(fmt::format("\"parallel.{}\" must be \"{}\" or \"{}\"", name, allowed[0], allowed[1]));
          }
          *field = v.get<std::string>();
        }
      }
      if (item.contains("copy")) {
        value.parallel.copy.clear();
        for (const auto& path : item["copy"]) {
          if (!path.is_string() || !glob_error(path.get<std::string>()).empty() ||
              path.get<std::string>().find_first_of("*?") != std::string::npos) {
            wrong("\"parallel.copy\" must hold paths relative to the repository root, without wildcards");
          }
          value.parallel.copy.push_back(path.get<std::string>());
        }
      }
      if (item.contains("setup")) {
        if (!item["setup"].is_string()) {
          wrong("\"parallel.setup\" must be a shell command");
        }
        value.parallel.setup = item["setup"].get<std::string>();
      }
      if (item.contains("setupTimeout")) {
        value.parallel.setup_timeout_s = timeout_or_throw(item["setupTimeout"], "setupTimeout");
      }
      if (item.contains("sessions")) {
        if (!item["sessions"].is_object()) {
          wrong("\"parallel.sessions\" must be an object of agent names and caps");
        }
        value.parallel.sessions.clear();
        for (const auto& [agent, cap] : item["sessions"].items()) {
          const std::string& name = agent;  // a structured binding is not captured by a lambda (clang)
          const bool known = std::any_of(std::begin(k_agents), std::end(k_agents), [&](const auto& a) {
            return name == a.first && a.second != AgentKind::harness;
          });
          if (!known || !cap.is_number_integer() || cap.get<std::int64_t>() < 1) {
            wrong(
                "\"parallel.sessions\" maps an agent (claude, codex, gemini, command, script) to a cap of at least 1");
          }
          value.parallel.sessions[agent] = cap.get<std::int64_t>();
        }
      }
    } else {
      wrong(fmt::format("unknown key \"{}\"", key));
    }
  }
}

// Each `parallel.serial` glob must be one core/lanes.hpp can match, and each `parallel.copy` a path of the
// repository without wildcards: the problem names it and why.
void check_parallel_paths(const json& doc, const std::string& file, std::vector<Problem>& problems) {
  if (!doc.is_object() || !doc.contains("parallel") || !doc["parallel"].is_object()) {
    return;
  }
  for (const char* key : {"serial", "copy"}) {
    const json& list = doc["parallel"].contains(key) ? doc["parallel"][key] : json();
    for (std::size_t i = 0; list.is_array() && i < list.size(); ++i) {
      if (!list[i].is_string()) {
        continue;  // the schema says so
      }
      const std::string text = list[i].get<std::string>();
      std::string why = glob_error(text);
      const bool copy = std::string_view(key) == "copy";
      if (why.empty() && copy && text.find_first_of("*?") != std::string::npos) {
        why = "has a wildcard (name each file)";
      }
      if (!why.empty()) {
        Problem p;
        p.file = file;
        p.pointer = fmt::format("/parallel/{}/{}", key, i);
        p.message = fmt::format("expected a {} relative to the repository root, found \"{}\", which {}",
                                copy ? "path" : "glob", text, why);
        problems.push_back(std::move(p));
      }
    }
  }
}

std::vector<Problem> check_config(const CompiledSchema& schema, const nlohmann::json& doc, const std::string& file) {
  std::vector<Problem> problems = check_schema(doc, schema.validator, schema.schema, file);
  check_roles(doc, file, problems);
  check_parallel_paths(doc, file, problems);
  return problems;
}

std::vector<Problem> check_config_layers(const CompiledSchema& schema, const nlohmann::json& doc,
                                         const std::string& file, const nlohmann::json& overrides) {
  if (!overrides.is_null() && !overrides.is_object()) {
    throw Error(ExitCode::failure, "configuration overrides must be a JSON object (a bug in the caller)");
  }
  std::vector<Problem> problems;
  if (!doc.is_null()) {
    problems = check_config(schema, doc, file);
  }
  if (!problems.empty() || !overrides.is_object() || overrides.empty()) {
    return problems;
  }
  json merged = doc.is_null() ? json{{"schemaVersion", k_schema_version}} : doc;
  merged.merge_patch(overrides);
  // The file alone was clean, so whatever is wrong now came with the overrides: name them as the source.
  for (auto& p : check_config(schema, merged, file)) {
    if (set_by_overrides(overrides, p.pointer)) {
      p.file = "command line";
    }
    problems.push_back(std::move(p));
  }
  return problems;
}

Result<Config> resolve_config(const CompiledSchema& schema, const nlohmann::json& doc, const std::string& file,
                              const nlohmann::json& overrides) {
  const std::vector<Problem> problems = check_config_layers(schema, doc, file, overrides);
  if (!problems.empty()) {
    Failure failure;
    failure.code = ExitCode::invalid_input;
    failure.message = problems.front().to_error();
    for (std::size_t i = 1; i < problems.size(); ++i) {
      failure.message += "\n" + problems[i].to_line();
    }
    return failure;
  }
  json merged = doc.is_null() ? json{{"schemaVersion", k_schema_version}} : doc;
  if (overrides.is_object()) {
    merged.merge_patch(overrides);
  }
  Config config;
  from_json(merged, config);
  return config;
}

}  // namespace simmer::core
