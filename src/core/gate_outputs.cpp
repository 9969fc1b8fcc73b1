#include "core/gate_outputs.hpp"

namespace simmer::core {

std::vector<events::GateOutput> gate_outputs(const std::vector<DirtyEntry>& before,
                                             const std::vector<DirtyEntry>& after) {
  std::map<std::string, const DirtyEntry*> was;
  for (const auto& e : before) {
    was[e.path] = &e;
  }
  std::map<std::string, events::GateOutput> found;
  for (const auto& e : after) {
    auto it = was.find(e.path);
    if (e.untracked) {
      if (it == was.end() || !it->second->untracked) {
        found[e.path] = {.path = e.path, .change = "created", .sha256 = std::nullopt};
      }
      continue;
    }
    if (it != was.end() && !it->second->untracked && it->second->sha256 == e.sha256) {
      continue;  // dirty before the gate, as it is now: not the gate's doing
    }
    found[e.path] = e.sha256 ? events::GateOutput{.path = e.path, .change = "changed", .sha256 = e.sha256}
                             : events::GateOutput{.path = e.path, .change = "deleted", .sha256 = std::nullopt};
  }
  std::vector<events::GateOutput> out;
  for (auto& [path, o] : found) {
    out.push_back(std::move(o));
  }
  return out;
}

void note_outputs(GateOutputs& known, const std::vector<events::GateOutput>& outputs) {
  for (const auto& o : outputs) {
    known[o.path] = o;
  }
}

bool still_gate_output(const events::GateOutput& output, const std::optional<std::string>& current_sha256) {
  if (output.change == "created") {
    return true;
  }
  if (output.change == "deleted") {
    return !current_sha256;
  }
  return current_sha256 && current_sha256 == output.sha256;
}

bool covers(const std::string& entry, const std::string& path) {
  if (path == entry) {
    return true;
  }
  return !entry.empty() && entry.back() == '/' && path.size() > entry.size() &&
         path.compare(0, entry.size(), entry) == 0;
}

}  // namespace simmer::core
