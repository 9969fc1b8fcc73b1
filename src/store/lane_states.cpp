#include "store/lane_states.hpp"

#include "util/fs.hpp"

#include <nlohmann/json.hpp>

namespace simmer::store {

std::map<std::string, core::State> read_lane_states(const ProjectPaths& paths, const core::State& coordinator) {
  std::map<std::string, core::State> out;
  for (const auto& [id, lane] : coordinator.lanes) {
    auto text = util::read_file(paths.lane_dir(id) / "state.json");
    if (!text.ok()) {
      continue;
    }
    auto state = core::state_from_json(nlohmann::json::parse(*text, nullptr, false));
    if (state.ok()) {
      out.emplace(id, std::move(*state));
    }
  }
  return out;
}

}  // namespace simmer::store
