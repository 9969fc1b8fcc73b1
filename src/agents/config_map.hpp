#pragma once
// The parts of simmer.json that reach the agents beyond one role's options: the `pricing` overrides and the
// `mcpServers` handed to Claude Code. (The role's own fields are mapped into AgentOptions by the loop.)

#include "agents/agent.hpp"
#include "core/config.hpp"

#include <map>
#include <string>

namespace simmer::agents {

// simmer.json `pricing` as LaunchRequest::prices. Empty config: empty map (the built-in table applies).
std::map<std::string, ModelPrice> prices_from(const core::Config& config);

// simmer.json `mcpServers` as the JSON text `claude --mcp-config` takes: {"mcpServers":{"<name>":{...}}} with
// {"type":"stdio","command","args","env"} or {"type":"http"|"sse","url","headers"}. No servers: "" (AgentOptions::
// mcp_servers_json empty means --mcp-config is not passed).
std::string mcp_config_json(const core::Config& config);

}  // namespace simmer::agents
