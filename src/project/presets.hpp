#pragma once
// Model presets offered by `init`: one model per role for each agent CLI.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simmer::project {

enum class Preset { balanced, thorough, fast };

// "balanced" | "thorough" | "fast".
std::string_view to_string(Preset preset);
// The preset named `name`, or nothing.
std::optional<Preset> parse_preset(std::string_view name);
// Every preset, in the order the wizard offers them, with a one-line explanation.
std::vector<std::pair<Preset, std::string>> preset_menu();

// The model `agent` should use in `role` ("orchestrator" | "builder" | "verifier") under `preset`. Empty for
// agents without models (script, command) or an unknown agent: the agent's own default then applies.
std::string preset_model(Preset preset, std::string_view agent, std::string_view role);

// "builder <model>, verifier <model>, orchestrator <model>": what `preset` picks for the roles' agents, the roles
// whose agent has no models left out ("" when none has).
std::string preset_models(Preset preset, std::string_view builder, std::string_view verifier,
                          std::string_view orchestrator);

}  // namespace simmer::project
