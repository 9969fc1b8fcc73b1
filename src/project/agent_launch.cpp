#include "project/agent_launch.hpp"

#include <unistd.h>

#include <climits>

namespace simmer::project {

namespace {

std::filesystem::path self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) {
    return "simmer";
  }
  return std::filesystem::path(std::string(buf, static_cast<std::size_t>(n)));
}

nlohmann::json mcp_json(const core::Config& config) {
  nlohmann::json servers = nlohmann::json::object();
  for (const auto& [name, s] : config.mcp_servers) {
    nlohmann::json j;
    switch (s.type) {
      case core::McpServer::Type::stdio:
        j = {{"type", "stdio"}, {"command", s.command}, {"args", s.args}, {"env", s.env}};
        break;
      case core::McpServer::Type::http:
        j = {{"type", "http"}, {"url", s.url}, {"headers", s.headers}};
        break;
      case core::McpServer::Type::sse:
        j = {{"type", "sse"}, {"url", s.url}, {"headers", s.headers}};
        break;
    }
    servers[name] = j;
  }
  return servers;
}

}  // namespace

std::string agent_name(core::AgentKind kind) {
  if (kind == core::AgentKind::harness) {
    return "";
  }
  return std::string(core::to_string(kind));
}

agents::AgentOptions agent_options(const core::Config& config, const core::RoleConfig& role,
                                   const store::ProjectPaths& paths) {
  agents::AgentOptions o;
  o.model = role.model.value_or("");
  o.args = role.args;
  o.env = role.env;
  o.max_turns = role.max_turns.value_or(0);
  o.permission_mode = role.permission_mode.value_or("");
  o.allowed_tools = role.allowed_tools.value_or(std::vector<std::string>{});
  o.sandbox = role.sandbox.value_or("");
  o.approval_mode = role.approval_mode.value_or("");
  o.command = role.command;
  o.prompt_via = role.prompt_via == core::PromptVia::argument ? agents::PromptVia::argument
                                                              : agents::PromptVia::stdin_pipe;
  if (role.scenario) {
    o.scenario = paths.root / *role.scenario;
  }
  if (!config.mcp_servers.empty()) {
    o.mcp_servers_json = nlohmann::json{{"mcpServers", mcp_json(config)}}.dump();
  }
  o.simmer_exe = self_exe();
  return o;
}

agents::LaunchRequest one_off_request(const core::RoleConfig& role, agents::Role which,
                                      const store::ProjectPaths& paths, const std::string& label,
                                      std::string prompt, const std::filesystem::path& handoff) {
  agents::LaunchRequest r;
  r.role = which;
  r.prompt = std::move(prompt);
  r.cwd = paths.root;
  r.model = role.model.value_or("");
  r.extra_args = role.args;
  r.env = role.env;
  r.env["SIMMER_ROLE"] = std::string(agents::to_string(which));
  r.env["SIMMER_PROJECT"] = paths.root.string();
  r.env["SIMMER_HANDOFF"] = handoff.string();
  r.env["SIMMER_STORY_ID"] = "";
  r.env["SIMMER_ATTEMPT"] = "0";
  r.env["SIMMER_REPAIR"] = "0";
  r.env["SIMMER_RETRY"] = "0";
  r.timeout_s = role.timeout_s;
  r.idle_timeout_s = role.idle_timeout_s;
  r.max_turns = role.max_turns.value_or(0);
  r.transcript = paths.sessions / label / (std::string(agents::to_string(which)) + ".jsonl");
  return r;
}

}  // namespace simmer::project
