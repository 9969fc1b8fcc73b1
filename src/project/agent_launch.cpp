#include "project/agent_launch.hpp"

#include "agents/config_map.hpp"
#include "util/process.hpp"

namespace simmer::project {

std::string agent_name(core::AgentKind kind) { return agents::agent_name(kind); }

agents::AgentOptions agent_options(const core::Config& config, const core::RoleConfig& role,
                                   const store::ProjectPaths& paths) {
  return agents::agent_options(config, role, paths.root, util::self_exe());
}

agents::LaunchRequest one_off_request(const core::Config& config, const core::RoleConfig& role, agents::Role which,
                                      const store::ProjectPaths& paths, const std::string& label, std::string prompt,
                                      const std::filesystem::path& handoff) {
  agents::LaunchRequest r = agents::launch_request(config, role, which, paths.root);
  r.prompt = std::move(prompt);
  r.env["SIMMER_ROLE"] = std::string(agents::to_string(which));
  r.env["SIMMER_PROJECT"] = paths.root.string();
  r.env["SIMMER_HANDOFF"] = handoff.string();
  r.env["SIMMER_STORY_ID"] = "";
  r.env["SIMMER_ATTEMPT"] = "0";
  r.env["SIMMER_REPAIR"] = "0";
  r.env["SIMMER_RETRY"] = "0";
  r.transcript = paths.sessions / label / (std::string(agents::to_string(which)) + ".jsonl");
  return r;
}

}  // namespace simmer::project
