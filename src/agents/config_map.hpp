#pragma once
// simmer.json as the agents see it: the one mapping from a role's configuration (and the top-level `pricing` and
// `mcpServers`) to the adapter's options and a launch request. `cook`, `doctor --probe` and `to-prd --agent` all
// launch agents through it, so what an agent gets cannot depend on which command started it.

#include "agents/agent.hpp"
#include "agents/session.hpp"
#include "core/config.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace simmer::agents {

// simmer.json `pricing` as LaunchRequest::prices. Empty config: empty map (the built-in table applies).
std::map<std::string, ModelPrice> prices_from(const core::Config& config);

// simmer.json `mcpServers` as the JSON text `claude --mcp-config` takes: {"mcpServers":{"<name>":{...}}} with
// {"type":"stdio","command","args","env"} or {"type":"http"|"sse","url","headers"}. No servers: "" (AgentOptions::
// mcp_servers_json empty means --mcp-config is not passed).
std::string mcp_config_json(const core::Config& config);

// The name make_adapter() knows for `kind` ("claude", ...); "" for harness, which has no agent.
std::string agent_name(core::AgentKind kind);

// The adapter options for `role` of `config`: model, args, env, max turns, the claude/codex/gemini specifics, the
// command argv, the script scenario (a relative path is resolved against `root`), and the MCP servers.
// `simmer_exe` is the binary the script agent runs.
AgentOptions agent_options(const core::Config& config, const core::RoleConfig& role, const std::filesystem::path& root,
                           const std::filesystem::path& simmer_exe);

// A launch request for `role` with what simmer.json says about every launch: the project root as cwd, the role's
// timeouts and max turns, and the `pricing` overrides. The role's model, args and env are in agent_options() and
// are not repeated here (LaunchRequest::model/extra_args/env are per-launch additions). The prompt, transcript,
// resume and SIMMER_* variables are the caller's.
LaunchRequest launch_request(const core::Config& config, const core::RoleConfig& role, Role which,
                             const std::filesystem::path& root);

}  // namespace simmer::agents
