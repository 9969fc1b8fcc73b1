#pragma once
// One-off agent sessions outside the cook loop (to-prd --agent, doctor --probe): a role of simmer.json turned into
// an adapter and a launch request.

#include "agents/agent.hpp"
#include "agents/session.hpp"
#include "core/config.hpp"
#include "store/project.hpp"

#include <memory>
#include <string>

namespace simmer::project {

// The adapter options for `role` of `config` (agents::agent_options(), the one mapping cook uses too), with this
// binary as the one the script agent runs.
agents::AgentOptions agent_options(const core::Config& config, const core::RoleConfig& role,
                                   const store::ProjectPaths& paths);

// The name make_adapter() knows for `kind` ("claude", ...); "" for harness, which has no agent.
std::string agent_name(core::AgentKind kind);

// A launch request for a one-off session of `role` (agents::launch_request(): the project root, the role's
// timeouts and max turns, the `pricing` overrides), the transcript under .simmer/sessions/<label>/<role>.jsonl,
// and the SIMMER_ROLE / SIMMER_PROJECT / SIMMER_HANDOFF variables the script agent reads (`handoff`: the file the
// session is asked to write).
agents::LaunchRequest one_off_request(const core::Config& config, const core::RoleConfig& role, agents::Role which,
                                      const store::ProjectPaths& paths, const std::string& label, std::string prompt,
                                      const std::filesystem::path& handoff);

}  // namespace simmer::project
