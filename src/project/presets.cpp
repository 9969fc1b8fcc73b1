#include "project/presets.hpp"

#include <array>
#include <map>

namespace simmer::project {

namespace {

// {orchestrator, builder, verifier}. The orchestrator only picks a story and writes a brief, so it gets the
// cheaper model; the builder and the verifier carry the quality.
using RoleModels = std::array<const char*, 3>;

const std::map<std::string, std::map<Preset, RoleModels>>& table() {
  static const std::map<std::string, std::map<Preset, RoleModels>> k_table = {
      {"claude",
       {{Preset::balanced, {"claude-haiku-4-5", "claude-sonnet-4-5", "claude-sonnet-4-5"}},
        {Preset::thorough, {"claude-sonnet-4-5", "claude-opus-4-5", "claude-opus-4-5"}},
        {Preset::fast, {"claude-haiku-4-5", "claude-haiku-4-5", "claude-haiku-4-5"}}}},
      {"codex",
       {{Preset::balanced, {"gpt-5-mini", "gpt-5", "gpt-5"}},
        {Preset::thorough, {"gpt-5", "gpt-5.2", "gpt-5.2"}},
        {Preset::fast, {"gpt-5-nano", "gpt-5-mini", "gpt-5-mini"}}}},
      {"gemini",
       {{Preset::balanced, {"gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-pro"}},
        {Preset::thorough, {"gemini-2.5-pro", "gemini-3-pro", "gemini-3-pro"}},
        {Preset::fast, {"gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.5-flash"}}}},
  };
  return k_table;
}

}  // namespace

std::string_view to_string(Preset preset) {
  switch (preset) {
    case Preset::balanced:
      return "balanced";
    case Preset::thorough:
      return "thorough";
    case Preset::fast:
      return "fast";
  }
  return "balanced";
}

std::optional<Preset> parse_preset(std::string_view name) {
  for (Preset p : {Preset::balanced, Preset::thorough, Preset::fast}) {
    if (to_string(p) == name) {
      return p;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<Preset, std::string>> preset_menu() {
  return {{Preset::balanced, "balanced: a mid-size model builds and verifies, a small one orchestrates"},
          {Preset::thorough, "thorough: the largest models build and verify (slower, costlier)"},
          {Preset::fast, "fast: small models everywhere (cheapest, for simple stories)"}};
}

std::string preset_model(Preset preset, std::string_view agent, std::string_view role) {
  auto it = table().find(std::string(agent));
  if (it == table().end()) {
    return "";
  }
  const RoleModels& models = it->second.at(preset);
  if (role == "orchestrator") {
    return models[0];
  }
  if (role == "builder") {
    return models[1];
  }
  if (role == "verifier") {
    return models[2];
  }
  return "";
}

std::string preset_models(Preset preset, std::string_view builder, std::string_view verifier,
                          std::string_view orchestrator) {
  std::string out;
  const std::pair<const char*, std::string_view> roles[] = {{"builder", builder},
                                                            {"verifier", verifier},
                                                            {"orchestrator", orchestrator}};
  for (const auto& [role, agent] : roles) {
    const std::string model = preset_model(preset, agent, role);
    if (!model.empty()) {
      out += (out.empty() ? "" : ", ") + std::string(role) + " " + model;
    }
  }
  return out;
}

}  // namespace simmer::project
