#pragma once
// Each lane's own state, read for `simmer status` and the dashboard (docs/lanes.md, "Seeing it").

#include <map>
#include <string>

#include "core/state.hpp"
#include "store/project.hpp"

namespace simmer::store {

// The state.json of each lane in flight in `coordinator` (.simmer/lanes/<id>/state.json of the project at
// `paths`), by story id. A lane whose file is missing or does not parse is left out: it has not written one yet.
// Nothing is written or locked.
std::map<std::string, core::State> read_lane_states(const ProjectPaths& paths, const core::State& coordinator);

}  // namespace simmer::store
