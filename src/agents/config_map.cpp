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

}  // namespace simmer::agents
