#include "agents/config_map.hpp"

#include <nlohmann/json.hpp>

namespace simmer::agents {

std::map<std::string, ModelPrice> prices_from(const core::Config& config) {
  std::map<std::string, ModelPrice> prices;
  for (const auto& [model, p] : config.pricing) {
    prices[model] = ModelPrice{p.input, p.output, p.cache_read, p.cache_write};
  }
  return prices;
}

std::string mcp_config_json(const core::Config& config) {
  if (config.mcp_servers.empty()) {
    return {};
  }
  nlohmann::json servers = nlohmann::json::object();
  for (const auto& [name, server] : config.mcp_servers) {
    nlohmann::json entry;
    if (server.type == core::McpServer::Type::stdio) {
      entry = {{"type", "stdio"}, {"command", server.command}, {"args", server.args}, {"env", server.env}};
    } else {
      entry = {{"type", server.type == core::McpServer::Type::http ? "http" : "sse"},
               {"url", server.url},
               {"headers", server.headers}};
    }
    servers[name] = entry;
  }
  return nlohmann::json{{"mcpServers", servers}}.dump();
}

std::string agent_name(core::AgentKind kind) {
  if (kind == core::AgentKind::harness) {
    return "";
  }
  return std::string(core::to_string(kind));
}

AgentOptions agent_options(const core::Config& config, const core::RoleConfig& role, const std::filesystem::path& root,
                           const std::filesystem::path& simmer_exe) {
  AgentOptions o;
  o.model = role.model.value_or("");
  o.args = role.args;
  o.env = role.env;
  o.max_turns = role.max_turns.value_or(0);
  o.permission_mode = role.permission_mode.value_or("");
  o.allowed_tools = role.allowed_tools.value_or(std::vector<std::string>{});
  o.tools = role.tools;
  o.sandbox = role.sandbox.value_or("");
  o.approval_mode = role.approval_mode.value_or("");
  o.command = role.command;
  o.prompt_via = role.prompt_via == core::PromptVia::argument ? PromptVia::argument : PromptVia::stdin_pipe;
  if (role.scenario) {
    std::filesystem::path scenario(*role.scenario);
    o.scenario = scenario.is_absolute() ? scenario : root / scenario;
  }
  o.mcp_servers_json = mcp_config_json(config);
  o.simmer_exe = simmer_exe;
  return o;
}

LaunchRequest launch_request(const core::Config& config, const core::RoleConfig& role, Role which,
                             const std::filesystem::path& root) {
  LaunchRequest r;
  r.role = which;
  r.cwd = root;
  r.timeout_s = role.timeout_s;
  r.idle_timeout_s = role.idle_timeout_s;
  r.max_turns = role.max_turns.value_or(0);
  r.prices = prices_from(config);
  return r;
}

}  // namespace simmer::agents
