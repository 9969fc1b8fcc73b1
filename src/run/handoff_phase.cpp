#include "run/handoff_phase.hpp"

#include "core/select.hpp"
#include "store/documents.hpp"

#include <fmt/format.h>

namespace simmer::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Binding problems of a build/verdict hand-off: the story and attempt it is for.
void check_binding(const core::State& state, const std::string& file, const std::string& story, std::int64_t attempt,
                   std::vector<std::string>& errors) {
  if (story != state.story_id.value_or("")) {
    errors.push_back(
        fmt::format("{}#/storyId: expected \"{}\", found \"{}\"", file, state.story_id.value_or(""), story));
  }
  if (attempt != state.attempt) {
    errors.push_back(fmt::format("{}#/attempt: expected {}, found {}", file, state.attempt, attempt));
  }
}

template <class T>
std::optional<T> loaded(store::Loaded<T> result, std::vector<std::string>& errors) {
  if (std::holds_alternative<T>(result)) {
    return std::get<T>(std::move(result));
  }
  for (const auto& p : std::get<std::vector<core::Problem>>(result)) {
    errors.push_back(p.to_line());
  }
  return std::nullopt;
}

}  // namespace

void validate_handoff_phase(RunContext& cx, const core::Effect& effect) {
  const core::State& state = cx.state();
  const std::string file = ".simmer/" + effect.handoff + ".json";
  const fs::path path = cx.paths.dir / (effect.handoff + ".json");
  std::vector<std::string> errors;
  json accepted;
  std::string accepted_kind;
  {
    auto t = cx.profile.time("validation");
    std::error_code ec;
    if (fs::symlink_status(path, ec).type() == fs::file_type::not_found) {
      errors.push_back(fmt::format("{}: the {} did not write it", file, effect.role));
    } else if (effect.handoff == "task") {
      if (auto task = loaded(store::load_task(path, file), errors)) {
        core::PickOutcome pick = core::accept_pick(state, task->story_id);
        accepted_kind = "story_selected";
        accepted = {{"storyId", pick.story_id}, {"by", pick.by_orchestrator ? "orchestrator" : "harness"}};
        if (!pick.warning.empty()) {
          accepted["warning"] = pick.warning;
        }
      }
    } else if (effect.handoff == "build") {
      if (auto build = loaded(store::load_build(path, file), errors)) {
        check_binding(state, file, build->story_id, build->attempt, errors);
        accepted_kind = "handoff_accepted";
        accepted = {{"role", effect.role}, {"file", file}, {"storyId", build->story_id}, {"attempt", build->attempt}};
      }
    } else {
      if (auto verdict = loaded(store::load_verdict(path, file), errors)) {
        check_binding(state, file, verdict->story_id, verdict->attempt, errors);
        json criteria = json::array();
        for (const auto& c : verdict->criteria) {
          criteria.push_back({{"criterion", c.criterion}, {"passed", c.passed}, {"evidence", c.evidence}});
        }
        accepted_kind = "verdict";
        accepted = {{"storyId", verdict->story_id},
                    {"attempt", verdict->attempt},
                    {"verdict", core::to_string(verdict->verdict)},
                    {"summary", verdict->summary},
                    {"criteria", criteria}};
      }
    }
  }
  if (!errors.empty()) {
    cx.append("handoff_invalid", {{"role", effect.role},
                                  {"file", file},
                                  {"errors", errors},
                                  {"repair", state.repairs + 1},
                                  {"maxRepairs", state.limits.contract}});
    return;
  }
  cx.append(accepted_kind, accepted);
}

}  // namespace simmer::run
