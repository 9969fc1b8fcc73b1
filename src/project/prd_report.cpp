#include "project/prd_report.hpp"

#include <fmt/format.h>

namespace simmer::project {

namespace {

using nlohmann::json;

std::string_view action_name(PrdWrite::Action action) {
  switch (action) {
    case PrdWrite::Action::created:
      return "created";
    case PrdWrite::Action::replaced:
      return "replaced";
    case PrdWrite::Action::merged:
      return "merged";
    case PrdWrite::Action::unchanged:
      return "unchanged";
    case PrdWrite::Action::printed:
      return "printed";
  }
  return "created";
}

int count_status(const json& prd, const char* status) {
  int n = 0;
  for (const auto& s : prd.value("stories", json::array())) {
    n += s.value("status", "") == status ? 1 : 0;
  }
  return n;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    out += (out.empty() ? "" : ", ") + id;
  }
  return out;
}

}  // namespace

std::string describe_prd_write(const PrdWrite& write, const std::string& display, const json& prd) {
  const json stored = write.text.empty() ? prd : json::parse(write.text);
  const std::size_t stories = stored.value("stories", json::array()).size();
  const std::size_t epics = stored.value("epics", json::array()).size();
  const int passed = count_status(stored, "passed");
  const int blocked = count_status(stored, "blocked");
  std::string counts = plural(stories, "story", "stories");
  if (passed > 0 || blocked > 0) {
    std::string progress;
    if (passed > 0) {
      progress = fmt::format("{} passed", passed);
    }
    if (blocked > 0) {
      progress += fmt::format("{}{} blocked", progress.empty() ? "" : ", ", blocked);
    }
    counts += " (" + progress + ")";
  }
  if (epics > 0) {
    counts += ", " + plural(epics, "epic", "epics");
  }
  switch (write.action) {
    case PrdWrite::Action::printed:
      return "";
    case PrdWrite::Action::created:
      return fmt::format("wrote {}: {}\n", display, counts);
    case PrdWrite::Action::replaced:
      return fmt::format("replaced {}: {}\n", display, counts);
    case PrdWrite::Action::unchanged:
      return fmt::format("unchanged: {} already holds this PRD ({})\n", display, counts);
    case PrdWrite::Action::merged: {
      const auto& m = write.merge;
      std::string out = fmt::format("merged into {}: {} added, {} changed, {} removed, {} kept; {}\n", display,
                                    m.added.size(), m.changed.size(), m.removed.size(), m.kept.size(), counts);
      if (!m.added.empty()) {
        out += "  added: " + join(m.added) + "\n";
      }
      if (!m.changed.empty()) {
        out += "  changed (reset to pending): " + join(m.changed) + "\n";
      }
      if (!m.removed.empty()) {
        out += "  removed: " + join(m.removed) + "\n";
      }
      return out;
    }
  }
  return "";
}

json prd_write_json(const PrdWrite& write, const std::string& display, const json& prd) {
  const json stored = write.text.empty() ? prd : json::parse(write.text);
  json out = {{"action", action_name(write.action)},
              {"output", write.action == PrdWrite::Action::printed ? "-" : display},
              {"stories", stored.value("stories", json::array()).size()},
              {"epics", stored.value("epics", json::array()).size()},
              {"passed", count_status(stored, "passed")},
              {"blocked", count_status(stored, "blocked")}};
  if (write.action == PrdWrite::Action::merged ||
      (write.action == PrdWrite::Action::unchanged && !write.merge.kept.empty())) {
    out["added"] = write.merge.added;
    out["changed"] = write.merge.changed;
    out["removed"] = write.merge.removed;
    out["kept"] = write.merge.kept;
  }
  return out;
}

}  // namespace simmer::project
